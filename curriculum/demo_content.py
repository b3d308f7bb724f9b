"""Demo curriculum content: the link worker core curriculum and its competency framework."""

FRAMEWORK = {
    "id_number": "SPLW-CORE",
    "short_name": "Social prescribing link worker core competencies",
    "description": (
        "<p>The knowledge, skills and behaviours a social prescribing link worker in NHS primary "
        "care needs to practise safely and well. There are 29 competencies in 9 domains, and 21 of "
        "them are core. Each competency names the kinds of evidence an assessor can accept.</p>"
    ),
    "taxonomies": "domain,competency",
}
# Level 0 "Not assessed" is the absence of an assessment, so the stored scale starts at 1.
SCALE = [  # (value, name, description, is_proficient)
    (1, "Aware", "Knows about it.", False),
    (2, "Developing", "Does it with supervision.", False),
    (3, "Proficient", "Does it independently, evidenced.", True),
    (4, "Advanced", "Can teach, lead or quality-assure it.", True),
]
# What a method shows on its own at most: level 3 and above need evidence from practice.
METHOD_CAPS = {"ELC": 1, "KT": 2}
METHODS = [  # (code, name, description)
    (
        "KT",
        "Knowledge test",
        "Scenario-based questions on what you know and how you would act; the pass mark is 80%.",
    ),
    (
        "DOP",
        "Direct observation of practice",
        (
            "An assessor watches you work with a real person, with their consent, and records what "
            "they saw."
        ),
    ),
    (
        "SIM",
        "Simulation or role-play",
        "You show the skill in a planned scenario, with a colleague or actor playing the person.",
    ),
    (
        "CBD",
        "Case-based discussion",
        "You talk an assessor through an anonymised case you handled, explaining your decisions.",
    ),
    (
        "PD",
        "Professional discussion",
        (
            "A planned, structured conversation with an assessor about the evidence in your "
            "portfolio."
        ),
    ),
    (
        "RA",
        "Record audit",
        (
            "An assessor checks a sample of your anonymised records for accuracy, completeness and "
            "coding."
        ),
    ),
    (
        "WPR",
        "Work-product review",
        (
            "An assessor reviews something you produced, such as a plan, a directory, a leaflet or "
            "a letter."
        ),
    ),
    (
        "RFA",
        "Reflective account",
        (
            "Your written account of a piece of practice: what happened, what you learned and what "
            "you will change."
        ),
    ),
    (
        "WT",
        "Witness testimony",
        (
            "A signed statement from someone who saw your work, such as a practice colleague or "
            "partner."
        ),
    ),
    (
        "SUP",
        "Supervision record",
        "Your supervisor's record of your sessions, with the reflection and actions you agreed.",
    ),
    (
        "ELC",
        "E-learning completion",
        "A certificate showing that you completed the required e-learning.",
    ),
]
CURRICULUM = {
    "title": "Link worker core curriculum",
    "version_label": "2026.1",
    "introduction": (
        "<p>This is the core curriculum for social prescribing link workers in NHS primary care. "
        "It sets one standard for what every link worker learns and shows in practice, so that "
        "people get a similar quality of support wherever they are seen. It has 9 modules. Each "
        "module is linked to the competencies an assessor checks before a link worker is "
        "certified.</p>"
        "<p>A link worker gives you time to talk about what matters to you. They then help you "
        "find and get to local support, such as groups, activities, volunteering, or advice on "
        "money and housing. A link worker is not an interpreter, not a health and wellbeing coach "
        "and not a clinician: they do not diagnose, treat or prescribe. You do not always need "
        "your GP to refer you. In many areas you can refer yourself: ask your GP practice's "
        "reception team how to contact the link worker.</p>"
    ),
}
MODULES = [
    {
        "code": "ROL",
        "title": "Role, terminology and scope",
        "needed_before_unsupervised_work": True,
        "summary": (
            "What a social prescribing link worker does and does not do, why the name causes "
            "confusion, how the role differs from neighbouring roles, and where its limits are."
        ),
        "study_hours": 6,
        "learning_outcomes": [
            "Explain in plain words what a link worker does and does not do.",
            (
                'Describe why the title "link worker" is sometimes confused with interpreting, '
                "and correct the confusion kindly."
            ),
            (
                "Distinguish the link worker role from health and wellbeing coaches, care "
                "coordinators, community development workers and health trainers."
            ),
            (
                "Recognise when a concern is clinical or about risk, and escalate it to your named "
                "first point of contact."
            ),
            (
                "List the minimum training and support expectations for link workers in primary "
                "care networks."
            ),
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>What a link worker does</h3>"
                    "<p>Social prescribing helps people with needs that affect their health and "
                    "wellbeing but are not mainly medical. Loneliness, debt, housing worries, "
                    "caring for someone and losing a sense of purpose are common examples. As a "
                    "link worker, you give people time. You find out what matters to them, agree a "
                    "plan with them, and connect them with community groups, activities and "
                    "services that can help.</p>"
                    "<p>A typical episode of support is about 6 to 12 contacts. An earlier NHS "
                    "profile of the role gave a caseload of about 200 to 250 people a year. So you "
                    "need to work in a focused way, and plan the ending from the start.</p>"
                    "<h3>Why the name causes confusion</h3>"
                    '<p>From the 1980s, "link worker" was the title used for bilingual health '
                    "advocates. They helped people who did not speak English to use health "
                    "services, bridging language and culture. Because of this history, some people "
                    "still think a link worker is an interpreter. You are not. If someone needs an "
                    "interpreter, you arrange a professional one (module EQU explains how).</p>"
                    "<p>Other titles are used for roles like yours, including community connector, "
                    "wellbeing advisor and community navigator. When you introduce yourself, give "
                    "your title and then say plainly what you do and what you don't do.</p>"
                    "<h3>Neighbouring roles</h3>"
                    "<p>Primary care networks employ several personalised care roles. Know the "
                    "difference, so you can hand a person over to the right one:</p>"
                    "<ul>"
                    "<li><strong>Health and wellbeing coach</strong>: uses coaching over several "
                    "sessions to help people, often with long-term conditions, set their own "
                    "health goals and manage their condition.</li>"
                    "<li><strong>Care coordinator</strong>: helps people, often with complex "
                    "needs, to organise their care and move through services, and keeps their care "
                    "plans up to date.</li>"
                    "<li><strong>Community development worker</strong>: works with whole "
                    "communities to start and strengthen groups, rather than with one person at a "
                    "time.</li>"
                    "<li><strong>Health trainer</strong>: supports people to change behaviours "
                    "such as smoking, eating or physical activity.</li></ul>"
                    "<p>These roles overlap. A good handover is explained to the person and agreed "
                    "with them. The next worker gets the information they need, shared with the "
                    "person's consent.</p>"
                    "<h3>Working within your scope</h3>"
                    "<p>You are not a clinician. You do not diagnose, give medical advice, change "
                    "medicines or judge whether symptoms are serious. If a person tells you about "
                    "new or worsening symptoms, side effects, or anything that worries you about "
                    "their safety, pass it on. Every link worker should have a named first point "
                    "of contact, including a GP, for these questions. Write down what you passed "
                    "on, to whom and when.</p>"
                    "<h3>What is expected of you</h3>"
                    "<p>NHS England's workforce development framework for link workers sets "
                    "consistent standards for knowledge, skills and behaviours. It also guides "
                    "employers on supervision and training. If you are funded through a primary "
                    "care network, you are expected to:</p>"
                    "<ul>"
                    "<li>complete the e-Learning for Healthcare programme on social prescribing "
                    "for link workers</li>"
                    "<li>enrol in, or already hold, training accredited by the Personalised Care "
                    "Institute</li>"
                    "<li>attend peer-support networks</li>"
                    "<li>have a named first point of contact, including a GP, and supervision "
                    "every month</li></ul>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "You help people with non-medical needs that affect their wellbeing, "
                            "by connecting them with support in their community."
                        ),
                        (
                            "You are not an interpreter, not a health and wellbeing coach and not "
                            "a clinician."
                        ),
                        (
                            "Introduce yourself with your title and a plain description of what "
                            "you do and don't do."
                        ),
                        (
                            "Pass clinical and risk issues to your named first point of contact, "
                            "and record that you did."
                        ),
                        (
                            "The minimum expectations are e-learning, accredited training, peer "
                            "support, a named first point of contact and monthly supervision."
                        ),
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Nasrin expects an interpreter",
                    "scenario": (
                        "<p>Nasrin Begum is 58. She has lived in England for 30 years and speaks "
                        "Sylheti and some English. Her GP refers her to the link worker because "
                        "she feels low and has rarely left the house since her husband died. When "
                        "Callum, the link worker, phones, her son answers. He says his mother was "
                        'told "a link worker will help with the language", and asks when the '
                        "interpreter is coming.</p>"
                    ),
                    "what_happened": (
                        "<p>Callum explains that he is not an interpreter. His job is to talk with "
                        "Nasrin about what matters to her and help her find local support. He asks "
                        "whether Nasrin would like a professional interpreter for their first "
                        "meeting, and books a Sylheti interpreter by phone rather than relying on "
                        "her son.</p>"
                        "<p>At the meeting, Nasrin says she misses cooking for people. Callum "
                        "finds a women's lunch club nearby where Sylheti is spoken. Nasrin also "
                        "mentions that she gets chest pains on the stairs. Callum says he cannot "
                        "judge what this means. With her agreement, he messages the duty GP the "
                        "same day, as his practice's escalation route sets out.</p>"
                    ),
                    "learning": (
                        "<p>People may arrive with the wrong idea of your role, sometimes because "
                        "of the old meaning of the title. Correct it kindly and early. Arrange a "
                        "professional interpreter when one is needed. When something clinical "
                        "comes up, you do not need to know the answer. You need to know who to "
                        "tell, and to tell them promptly.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "How do you explain your role to someone in the first two minutes of "
                        "meeting them?"
                    ),
                    "prompt": (
                        "Write down the words you use. Do they say what you do and what you don't "
                        "do? Would they make sense to someone who has never heard of social "
                        "prescribing, or who thinks a link worker is an interpreter? Ask your "
                        "supervisor or a colleague to listen and give you feedback."
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                        {
                            "title": "Additional roles: a quick reference summary",
                            "publisher": "NHS England",
                        },
                        {
                            "title": (
                                "Social prescribing blog: patient and public feedback on "
                                "terminology"
                            ),
                            "publisher": "University of Oxford",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-ROL-01",
                "title": "Explains the service, its name, and what it is not",
                "description": (
                    "Explains in plain words what social prescribing and the link worker offer, "
                    "and makes clear that the role is not interpreting and not clinical."
                ),
                "assessment_criteria": [
                    (
                        "Introduces themselves by name and job title, and explains the role in "
                        "plain English without jargon."
                    ),
                    (
                        "States that the link worker is not an interpreter or a clinician, and "
                        "says what happens if either is needed."
                    ),
                    (
                        "Checks that the person has understood, and corrects any misunderstanding "
                        "about the role."
                    ),
                    (
                        "Explains how the person can get back in touch, or refer themselves, in "
                        "future."
                    ),
                ],
                "all_of": [],
                "any_of": ["DOP", "SIM"],
                "core": True,
            },
            {
                "code": "SPLW-ROL-02",
                "title": (
                    "Tells apart neighbouring personalised-care roles and hands over appropriately"
                ),
                "description": (
                    "Knows what health and wellbeing coaches, care coordinators, community "
                    "development workers and health trainers do, and hands a person over when "
                    "another role fits their need better."
                ),
                "assessment_criteria": [
                    (
                        "Describes the purpose of each neighbouring role accurately in a knowledge "
                        "test."
                    ),
                    (
                        "In a case discussion, identifies which role best meets the person's need "
                        "and explains why."
                    ),
                    "Agrees the handover with the person before making it.",
                    (
                        "Passes on relevant information with consent, and checks that the handover "
                        "was received."
                    ),
                ],
                "all_of": ["KT", "CBD"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-ROL-03",
                "title": (
                    "Works within scope; escalates clinical and risk issues to the named first "
                    "contact"
                ),
                "description": (
                    "Recognises clinical, medicines and risk issues that are outside the link "
                    "worker role, and passes them promptly to the named first point of contact, "
                    "including a GP."
                ),
                "assessment_criteria": [
                    (
                        "Names their first point of contact and the GP they escalate to, and how "
                        "to reach them."
                    ),
                    (
                        "In a case discussion, identifies issues outside scope, such as new "
                        "symptoms or questions about medicines."
                    ),
                    "Escalates in good time and records what was passed on, to whom and when.",
                    (
                        "Supervision records show that escalations were discussed and any learning "
                        "was acted on."
                    ),
                ],
                "all_of": ["CBD", "SUP"],
                "any_of": [],
                "core": True,
            },
        ],
    },
    {
        "code": "REF",
        "title": "Awareness, promotion and referral, including self-referral",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How people find out about the service, how referrals arrive from clinicians, partners "
            "and people themselves, and how to handle and code each one."
        ),
        "study_hours": 6,
        "learning_outcomes": [
            "Describe the routes into the service, including self-referral.",
            (
                "Handle a referral from arrival to first meeting, recording it with the correct "
                "national code."
            ),
            "Brief clinicians and practice staff on who to refer, how and when.",
            "Produce publicity that people in your area can understand and act on.",
            "Plan outreach to groups who are less likely to hear about the service.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Why awareness matters</h3>"
                    "<p>People cannot use a service they have not heard of. Patients and the "
                    "public have said they did not know social prescribing existed, or did not "
                    "know they could ask for it themselves. The people who could benefit most are "
                    "often the least likely to hear about it. They include people who do not speak "
                    "English well, people who are not online, carers, and people who rarely see a "
                    "GP.</p>"
                    "<h3>Routes in</h3>"
                    "<p>Referrals can come from GPs, nurses, pharmacists and other practice staff. "
                    "They can come from hospital teams, social care, housing services and "
                    "voluntary organisations. And they can come from people themselves. A "
                    "self-referral is as valid as any other. Make it easy: a phone number answered "
                    "by a person, a short form, a message left with reception, or a drop-in "
                    "session.</p>"
                    "<h3>Handling a referral from start to finish</h3>"
                    "<ol>"
                    "<li>Acknowledge the referral within the time your service has agreed.</li>"
                    "<li>Check what the person wants, and that they agree to be contacted. A "
                    "referral made for someone is not the same as their consent.</li>"
                    "<li>Look for risk. If the referral describes a crisis or a safeguarding "
                    "concern, act on it now (see module SAF), not at the first appointment.</li>"
                    "<li>Contact the person in the way that suits them, with an interpreter if "
                    "needed, and book the first conversation.</li>"
                    "<li>Record the referral with the national SNOMED CT code "
                    "<strong>871731000000106</strong> (referral to social prescribing service). If "
                    "the person decides not to take part, record <strong>871711000000103</strong> "
                    "(social prescribing declined) and let the referrer know.</li></ol>"
                    "<p>Code every referral in the same way, including self-referrals. That is how "
                    "the practice and the NHS can see who uses the service and who does not.</p>"
                    "<h3>Briefing colleagues</h3>"
                    "<p>Clinicians refer more people, and more suitable people, when they know "
                    "what you can offer. Keep a briefing short: who the service is for, what you "
                    "do and don't do, how to refer, what to include and what happens next. Make "
                    "clear that you are not an emergency service. Go back regularly, because staff "
                    "change and people forget.</p>"
                    "<h3>Publicity people can use</h3>"
                    "<p>Good publicity says what the service is in one sentence, and tells people "
                    "exactly how to get in touch, including how to refer themselves. Use plain "
                    "English and short sentences. Offer an easy read version, where pictures "
                    "support the words, and translations into the main languages spoken locally, "
                    "checked by a fluent speaker.</p>"
                    "<p>Posters and websites are not enough on their own. Go where people already "
                    "are: community centres, places of worship, food banks, libraries, schools, "
                    "markets and carers' groups. Ask people from the community to check your "
                    "materials before you use them.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Many people can refer themselves. Make that route easy and tell "
                            "people about it."
                        ),
                        "Agreement to take part comes from the person, not from the referrer.",
                        "Check every referral for risk before the first appointment.",
                        (
                            "Code every referral 871731000000106 and every decline "
                            "871711000000103, including self-referrals."
                        ),
                        (
                            "Publicity should be in plain English, easy read and translated "
                            "versions, and taken to where people are."
                        ),
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "A self-referral from the food bank",
                    "scenario": (
                        "<p>Tomasz Nowak is 41 and works nights in a warehouse. He picks up a "
                        "leaflet about the link worker service at a food bank. It is in Polish and "
                        "English. He rings the number and leaves a message: he is behind with his "
                        "rent and cannot sleep. He has not seen a GP for years, and is not sure he "
                        "can use the service without a doctor's referral.</p>"
                    ),
                    "what_happened": (
                        "<p>Amara, the link worker, rings him back within two working days, at a "
                        "time he said suits his shifts. She confirms that he can refer himself. "
                        "She asks a few questions to check for immediate risk. He is worried but "
                        "safe, and his landlord has not started to evict him. She records the "
                        "referral in his GP record with the national referral code, and notes that "
                        "it was a self-referral.</p>"
                        "<p>At their first meeting, Amara connects him with a debt and housing "
                        "advice service that offers evening appointments. Later she suggests that "
                        "the practice sends more leaflets to the food bank, because it reaches "
                        "people the practice rarely sees.</p>"
                    ),
                    "learning": (
                        "<p>Self-referral reaches people who would never ask a GP. Call people "
                        "back when they can answer. Check for risk early. Code self-referrals the "
                        "same way as any other referral, so that they are counted.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "Who in your area is least likely to hear about your service, and why?"
                    ),
                    "prompt": (
                        "Think about language, disability, working hours, access to the internet "
                        "and trust in the NHS. Name one place or group where you could reach them, "
                        "and one change to your publicity that would help."
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": "Social Prescribing Information Standard (2023)",
                            "publisher": "NHS England",
                        },
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-REF-01",
                "title": (
                    "Handles a referral end to end, including a self-referral, with correct "
                    "national coding"
                ),
                "description": (
                    "Receives, checks and follows up every referral, including self-referrals, and "
                    "records it with the correct national SNOMED CT code."
                ),
                "assessment_criteria": [
                    (
                        "Acknowledges the referral and contacts the person within the service's "
                        "agreed timescale."
                    ),
                    (
                        "Confirms the person's own agreement to take part, and checks the referral "
                        "for risk."
                    ),
                    (
                        "Records referrals with 871731000000106 and declines with 871711000000103, "
                        "self-referrals included."
                    ),
                    "Tells the referrer when a person declines or cannot be contacted.",
                ],
                "all_of": ["RA", "DOP"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-REF-02",
                "title": "Briefs clinicians and practice staff on when and how to refer",
                "description": (
                    "Explains to clinicians and practice staff who the service is for, how to "
                    "refer and what happens next, so that referrals are suitable and timely."
                ),
                "assessment_criteria": [
                    (
                        "Gives a short briefing covering who to refer, how, what to include and "
                        "what the service does not do."
                    ),
                    (
                        "Makes clear that the service is not for emergencies, and explains the "
                        "route for a crisis."
                    ),
                    (
                        "Answers questions accurately and leaves practical information that staff "
                        "can use."
                    ),
                    "A practice colleague confirms that the briefing was clear and useful.",
                ],
                "all_of": ["DOP", "WT"],
                "any_of": [],
                "core": False,
            },
            {
                "code": "SPLW-REF-03",
                "title": "Produces accessible publicity",
                "description": (
                    "Produces publicity in plain English, easy read and translated versions, and "
                    "plans outreach to groups who are less likely to hear about the service."
                ),
                "assessment_criteria": [
                    (
                        "The publicity says in plain English what the service is and how to get in "
                        "touch, including by self-referral."
                    ),
                    (
                        "There is an easy read version, and translations into the main local "
                        "languages, checked by a fluent speaker."
                    ),
                    "The publicity was tested with people from the intended audience before use.",
                    (
                        "An outreach plan names places and groups that the service does not yet "
                        "reach."
                    ),
                ],
                "all_of": [],
                "any_of": ["WPR"],
                "core": False,
            },
        ],
    },
    {
        "code": "PCP",
        "title": '"What matters to you" conversations and personalised plans',
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to hold a conversation that finds out what matters to the person, and turn it "
            "into a support plan that they own and understand."
        ),
        "study_hours": 10,
        "learning_outcomes": [
            (
                "Use open questions, reflecting and summarising to find out what matters to the "
                "person."
            ),
            "Co-produce a support plan with goals written in the person's own words.",
            "Check understanding with teach-back, and adapt to the person's health literacy.",
            "Record the conversation and the plan accurately and respectfully.",
            "Recognise when a conversation raises something that must be escalated.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Start with the person, not the problem</h3>"
                    "<p>A referral tells you why someone else thinks the person needs help. The "
                    'first conversation is about what the person thinks. Asking "what matters to '
                    'you?" rather than "what\'s the matter with you?" changes who leads. Give it '
                    "time: a first conversation is usually much longer than a GP appointment. Meet "
                    "where the person feels comfortable, if your policies allow.</p>"
                    "<h3>Skills for the conversation</h3>"
                    "<ul>"
                    "<li><strong>Open questions</strong> invite the person to tell their story. "
                    'For example: "What does a good day look like for you?" or "What would you '
                    'like to be different?"</li>'
                    "<li><strong>Reflecting</strong> means saying back what you heard, sometimes "
                    'with the feeling behind it: "It sounds as if the evenings are the hardest '
                    'part."</li>'
                    "<li><strong>Summarising</strong> pulls several points together and checks you "
                    "have them right: \"So far you've told me about... Have I missed "
                    'anything?"</li>'
                    "<li><strong>Listening</strong> includes silence. Let people think. Don't rush "
                    "to fix things.</li></ul>"
                    "<p>Notice what the person is good at and what they already have: family, "
                    "friends, faith, skills and interests. These are the building blocks of the "
                    "plan.</p>"
                    "<h3>A plan the person owns</h3>"
                    "<p>The support plan belongs to the person, not to you. Write the goals in "
                    "their words. Keep them few, specific and realistic, with small first steps. "
                    'Agree who will do what and by when, including what you will do. "Go to the '
                    'Thursday walking group with Jean by the end of the month" is clearer than '
                    '"increase physical activity". Give the person a copy in a format they can '
                    "use. Review the plan at each contact, and change it when their priorities "
                    "change.</p>"
                    "<h3>Health literacy</h3>"
                    "<p>Health literacy is how easily a person can find, understand and use "
                    "information about their health and about services. Many adults in England "
                    "find everyday health information hard to understand, and you cannot tell by "
                    "looking who does. So work with everyone as if they might:</p>"
                    "<ul>"
                    "<li>Use everyday words and short sentences. Avoid abbreviations and "
                    "jargon.</li>"
                    '<li>Give two or three key points at a time, then check ("chunk and '
                    'check").</li>'
                    "<li>Use teach-back: ask the person to tell you, in their own words, what they "
                    "are going to do. If they can't, the explanation was the problem, not the "
                    "person.</li>"
                    "<li>Offer written, easy read or translated information, and use an "
                    "interpreter where needed.</li></ul>"
                    "<h3>When the conversation turns</h3>"
                    "<p>When people open up, they may tell you things they have told no one else, "
                    "such as abuse, thoughts of suicide or serious money trouble. Stay calm, "
                    "listen, and follow the safeguarding and crisis steps in module SAF. Record "
                    "the conversation factually, in a way you would be comfortable for the person "
                    "to read.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        "Ask what matters to the person, not what is the matter with them.",
                        "Open questions, reflecting and summarising let the person lead.",
                        "Write goals in the person's own words, with small first steps.",
                        "Use teach-back with everyone: you cannot see low health literacy.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Gloria's plan",
                    "scenario": (
                        "<p>Gloria Mensah is 74 and has heart failure. Her practice nurse refers "
                        "her because she has stopped going to church and seems isolated. The "
                        'referral says "needs exercise class". At the first meeting, Gloria is '
                        "polite but quiet, and says she is fine.</p>"
                    ),
                    "what_happened": (
                        "<p>Priya, the link worker, puts the referral to one side and asks Gloria "
                        "what a good week used to look like. Gloria talks about singing in her "
                        'church choir. Priya reflects: "Singing sounds as if it meant a lot to '
                        'you." Gloria explains that she gets too breathless on the walk up the '
                        "hill to church, and is embarrassed to ask for a lift.</p>"
                        "<p>Together they write a plan in Gloria's words: \"Ring Pastor Ade about "
                        'a lift on Sundays" and "Try the seated singing group at the library". '
                        "Priya asks Gloria to say back what she will do first. Gloria mixes up the "
                        "days, so Priya writes the days and times in large print. Priya also "
                        "suggests that Gloria tells her nurse about the breathlessness and, with "
                        "Gloria's agreement, sends the nurse a short note.</p>"
                    ),
                    "learning": (
                        "<p>The referrer's idea of the need was not Gloria's. Open questions and "
                        "reflecting found what mattered to her. Teach-back showed a "
                        "misunderstanding that a simple change fixed. The plan used Gloria's words "
                        "and her own network. The clinical point went to a clinician.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "Think of a recent first conversation. Who did most of the talking, and "
                        "whose goals ended up in the plan?"
                    ),
                    "prompt": (
                        "Look at the plan you wrote. Are the goals in the person's words or in "
                        "yours? Was there a moment when you moved to solutions too quickly? What "
                        "would you do differently next time?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": "Personalised care curriculum (2020)",
                            "publisher": "Personalised Care Institute",
                        },
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-PCP-01",
                "title": "Holds a what-matters conversation",
                "description": (
                    "Holds a conversation that lets the person lead, using open questions, "
                    "reflecting and summarising to find out what matters to them."
                ),
                "assessment_criteria": [
                    "Uses mostly open questions, and gives the person time to think and speak.",
                    (
                        "Reflects back what the person says, including feelings, and summarises "
                        "accurately."
                    ),
                    (
                        "Identifies the person's strengths, interests and support network, not "
                        "only their problems."
                    ),
                    "Is observed on at least two occasions, by two different assessors.",
                ],
                "all_of": [],
                "any_of": ["DOP"],
                "core": True,
            },
            {
                "code": "SPLW-PCP-02",
                "title": "Co-produces a support plan with goals the person owns",
                "description": (
                    "Agrees a personalised support plan with the person, with goals in their own "
                    "words, clear first steps and who will do what."
                ),
                "assessment_criteria": [
                    (
                        "Goals are written in the person's own words and reflect what they said "
                        "matters to them."
                    ),
                    (
                        "The plan sets out small, specific first steps, and who will do what by "
                        "when."
                    ),
                    "The person has a copy of the plan in a format they can use.",
                    (
                        "In a case discussion, explains how the person shaped the plan and how it "
                        "was reviewed."
                    ),
                ],
                "all_of": ["WPR", "CBD"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-PCP-03",
                "title": "Checks understanding and adapts to health literacy",
                "description": (
                    "Checks that the person has understood, and adapts words, pace and format to "
                    "their health literacy and communication needs."
                ),
                "assessment_criteria": [
                    "Uses plain words and avoids jargon and abbreviations.",
                    (
                        "Gives information in small amounts and checks understanding, for example "
                        "with teach-back."
                    ),
                    (
                        "Explains again in a different way when the person has not understood, "
                        "without blaming them."
                    ),
                    (
                        "Offers information in a suitable format, such as easy read, large print "
                        "or a translation."
                    ),
                ],
                "all_of": [],
                "any_of": ["DOP"],
                "core": False,
            },
        ],
    },
    {
        "code": "EMP",
        "title": "Empowerment, self-management and ending well",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to build people's own confidence and skills so that they need you less, and how "
            "to end an episode in a planned way with a clear route back."
        ),
        "study_hours": 8,
        "learning_outcomes": [
            "Explain the difference between empowering someone and doing things for them.",
            (
                "Use strengths-based and motivational approaches to build the person's confidence "
                "and skills."
            ),
            "Recognise the signs of dependency in your own practice.",
            "Agree a planned step-down and closure from the start of an episode.",
            "Give every person a clear route back if their needs return.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Helping people help themselves</h3>"
                    "<p>Patients and the public have said they want link workers to empower "
                    "people, not to make them dependent. The aim is that, by the end, the person "
                    "is better connected and more confident to manage without you. Sometimes doing "
                    "a task for someone is right, for example when they are in crisis. Most of the "
                    "time it helps more to do it with them first, and then let them do it "
                    "themselves.</p>"
                    "<h3>Strengths-based practice</h3>"
                    "<p>Start from what the person can do and what they already have. Ask about "
                    "times they coped well, skills they have, and people who matter to them. "
                    "Notice and praise effort and progress, however small. Each success builds "
                    "self-efficacy: the person's belief that they can make things happen.</p>"
                    "<h3>Motivational approaches</h3>"
                    "<p>Many people feel two ways about change. Motivational interviewing is a way "
                    "of talking that helps people find their own reasons to change. It uses open "
                    'questions, affirmations, reflections and summaries. Listen for "change '
                    'talk", such as "I\'d like to get out more", and reflect it back. Avoid '
                    "arguing or persuading: pushing tends to make people defend the way things "
                    "are. Ask permission before you give information or advice.</p>"
                    "<h3>Signs of dependency</h3>"
                    "<p>Watch for these in your own caseload:</p>"
                    "<ul>"
                    "<li>contacts carry on, but the goals are not changing or moving</li>"
                    "<li>you make calls or fill in forms that the person could do with a little "
                    "support</li>"
                    "<li>the person contacts you, rather than the group or service, whenever "
                    "anything goes wrong</li>"
                    "<li>you feel you are the only one who can help them</li></ul>"
                    "<p>None of these is a failure. Each one is a reason to review the plan and to "
                    "take the case to supervision.</p>"
                    "<h3>Ending well</h3>"
                    "<p>A typical episode is about 6 to 12 contacts. Talk about the ending from "
                    "the first meeting, so that it is expected and not a shock. Plan a step-down: "
                    "space contacts further apart as the person settles, move from meetings to "
                    "phone calls, and agree a date for a final review. At the end:</p>"
                    "<ol>"
                    "<li>review the goals together, and record the follow-up wellbeing score "
                    "(module OUT)</li>"
                    "<li>agree what the person will keep doing, and who is now part of their "
                    "support network</li>"
                    "<li>explain the route back: how to get in touch again, including by referring "
                    "themselves, if their needs return</li>"
                    "<li>send a closing summary to the GP and the referrer</li></ol>"
                    "<p>An open-ended episode with no plan to end is a risk. It can undermine the "
                    "person's independence, and it keeps other people waiting for your help.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Do it with the person, then let them do it. Do it for them only when "
                            "there is a good reason."
                        ),
                        "Build on strengths: small successes grow confidence.",
                        "Talk about the ending from the first meeting.",
                        "Step down gradually, and give a clear route back.",
                        "Take open-ended episodes to supervision.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Dev rings every day",
                    "scenario": (
                        "<p>Dev Sharma is 33 and has anxiety. He was referred after losing his "
                        "job. Over four months, Kirsty, his link worker, has helped him apply for "
                        "benefits, joined him on calls to his landlord, and gone with him to a "
                        "community gardening project. Dev now rings Kirsty most days, often just "
                        "to check something. He has not been back to the garden without her.</p>"
                    ),
                    "what_happened": (
                        "<p>Kirsty spots the pattern when she reviews her caseload, and takes it "
                        "to supervision. Her supervisor helps her see that she has been doing "
                        "things Dev could do himself. Kirsty talks openly with Dev, and they agree "
                        "a new plan. Dev makes the next call to his landlord with Kirsty beside "
                        "him, and goes to the garden with a volunteer buddy. Kirsty moves to a "
                        "call every fortnight, then once a month.</p>"
                        "<p>At the final review, Dev's wellbeing scores have improved. He has the "
                        "garden, the buddy and a friend he made there. He knows he can refer "
                        "himself again if things get hard, and he has the number.</p>"
                    ),
                    "learning": (
                        "<p>Dependency builds slowly, and with good intentions. Reviewing your "
                        "caseload and using supervision help you catch it early. An honest "
                        "conversation, a gradual step-down and a clear route back helped Dev to "
                        "stand on his own without feeling dropped.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "When did you last do something for a person that they could have done "
                        "themselves with some support?"
                    ),
                    "prompt": (
                        "What made you do it: time pressure, their distress, or your wish to help? "
                        "What would doing it with them have looked like? How will you plan the "
                        "ending with the people you are seeing now?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": "Personalised care curriculum (2020)",
                            "publisher": "Personalised Care Institute",
                        },
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-EMP-01",
                "title": (
                    "Uses strengths-based, motivational approaches that build the person's own "
                    "capability"
                ),
                "description": (
                    "Works in a way that builds the person's confidence, skills and connections, "
                    "so that they can do more for themselves."
                ),
                "assessment_criteria": [
                    (
                        "Asks about and builds on the person's strengths, skills and existing "
                        "support."
                    ),
                    (
                        "Uses motivational techniques, such as reflecting change talk, and avoids "
                        "persuading or arguing."
                    ),
                    (
                        "Supports the person to take actions themselves rather than doing things "
                        "for them, unless there is good reason."
                    ),
                    (
                        "A reflective account shows how the approach affected the person's "
                        "confidence and what the worker learned."
                    ),
                ],
                "all_of": ["DOP", "RFA"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-EMP-02",
                "title": (
                    "Agrees a planned step-down and closure, with a route back if needs return"
                ),
                "description": (
                    "Plans the end of an episode from the start, reduces contact in steps, closes "
                    "with a review, and makes sure the person knows how to come back."
                ),
                "assessment_criteria": [
                    (
                        "Records show that the expected length of support was discussed early in "
                        "the episode."
                    ),
                    (
                        "Contact is reduced in planned steps, ending with a final review of the "
                        "goals."
                    ),
                    (
                        "The closing record shows that the route back, including self-referral, "
                        "was explained."
                    ),
                    (
                        "In a case discussion, explains how closure was agreed and how dependency "
                        "was avoided."
                    ),
                ],
                "all_of": ["CBD", "RA"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-EMP-03",
                "title": (
                    "Reviews own caseload for open-ended episodes and takes them to supervision"
                ),
                "description": (
                    "Reviews their own caseload regularly, finds episodes with no progress or no "
                    "planned end, and discusses them in supervision."
                ),
                "assessment_criteria": [
                    "Reviews their caseload at least monthly for long or stalled episodes.",
                    "Brings open-ended episodes to supervision with a short summary of each.",
                    "Supervision records show agreed actions, and that they were carried out.",
                    (
                        "A reflective account identifies the worker's own habits that can create "
                        "dependency."
                    ),
                ],
                "all_of": ["SUP", "RFA"],
                "any_of": [],
                "core": False,
            },
        ],
    },
    {
        "code": "COM",
        "title": "Community assets and voluntary-sector partners",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to find, check and keep track of community assets, build working relationships "
            "with voluntary-sector partners, and report gaps in local provision."
        ),
        "study_hours": 8,
        "learning_outcomes": [
            "Describe the range of community assets that people can be connected to.",
            (
                "Keep a directory of community assets up to date, with suitability and safety "
                "checks."
            ),
            "Build two-way working relationships with voluntary-sector providers.",
            "Identify gaps in local provision and report them to commissioners with evidence.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>What community assets are</h3>"
                    "<p>Community assets are the groups, places, services and people in an area "
                    "that can support someone's wellbeing. They include:</p>"
                    "<ul>"
                    "<li>activity and interest groups, such as walking, gardening, crafts, singing "
                    "and sport</li>"
                    "<li>peer support groups, for example for carers, new parents or people with a "
                    "long-term condition</li>"
                    "<li>advice services for benefits, debt, housing, employment and "
                    "immigration</li>"
                    "<li>faith and cultural organisations, community centres, libraries and "
                    "leisure centres</li>"
                    "<li>volunteering, learning and training opportunities</li></ul>"
                    "<p>Many are run by the voluntary, community and social enterprise (VCSE) "
                    "sector, often on small budgets and with volunteers.</p>"
                    "<h3>A directory people can trust</h3>"
                    "<p>Sending someone to a group that closed last year damages their trust in "
                    "you and in the service. Keep a directory, or add to a shared one, and check "
                    "each entry regularly. For each asset, record:</p>"
                    "<ul>"
                    "<li>what it offers, who it is for, when and where it runs, and how to "
                    "join</li>"
                    "<li>what it costs, and whether help with the cost is available</li>"
                    "<li>physical access, transport links and the languages spoken</li>"
                    "<li>whether it is meant for particular groups, for example women only, or "
                    "people of a certain culture or faith</li>"
                    "<li>safety checks: a named contact, a safeguarding policy if it works with "
                    "children or adults at risk, and suitable checks on staff and volunteers</li>"
                    "<li>the date it was last checked, and by whom</li></ul>"
                    "<p>Visit when you can. Ask the people you connect for feedback on how it "
                    "went.</p>"
                    "<h3>Two-way relationships</h3>"
                    "<p>Partners are not just a list of places to send people. Get to know the "
                    "people who run them. Tell them what your service does and how to contact you. "
                    "Agree how they will let you know, with the person's consent, if someone does "
                    "not arrive or is struggling. Respect their capacity: a small group may not "
                    "cope with many new people at once. Invite partners to practice or network "
                    "meetings, and share what you learn.</p>"
                    "<h3>Reporting gaps</h3>"
                    "<p>Sometimes there is nothing suitable. There may be no affordable swimming, "
                    "no group for older men who speak Punjabi, or no debt advice without a long "
                    "wait. Record each gap when you find it, without identifying anyone, and count "
                    "them over time. Then report them to your manager and to commissioners, with "
                    "the numbers, the groups affected and what it means for people. Commissioners "
                    "plan services using evidence, and your records may be the only evidence of an "
                    "unmet need.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Check every directory entry regularly, and record when it was last "
                            "checked."
                        ),
                        (
                            "Record cost, access, languages, who it suits and safeguarding for "
                            "each asset."
                        ),
                        (
                            "Build relationships with partners, and agree how they will give you "
                            "feedback, with consent."
                        ),
                        (
                            "Log gaps as you find them, without identifying anyone, and report "
                            "them with numbers."
                        ),
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "No group for Bashir",
                    "scenario": (
                        "<p>Bashir Rahimi is 67. He came to England from Afghanistan four years "
                        "ago, and speaks Dari and a little English. His GP refers him because he "
                        "is lonely and low. Bashir would like to meet other men of his age. The "
                        "only men's group in the directory meets in a pub, which he will not go "
                        "to.</p>"
                    ),
                    "what_happened": (
                        "<p>Anna, the link worker, searches the directory and asks her partners. "
                        "She finds a refugee support charity that runs a conversation café, and a "
                        "mosque that holds a weekly lunch for older men. She visits both to check "
                        "what they offer and who their safeguarding contact is, and to ask if they "
                        "are happy to welcome new people. Bashir chooses the lunch.</p>"
                        "<p>Anna also logs the gap: no Dari-speaking activity for older men in the "
                        "area. Over six months, she and her colleagues log eleven similar gaps. "
                        "Their manager shares the anonymised figures with the local commissioner, "
                        "who funds the refugee charity to start a men's group.</p>"
                    ),
                    "learning": (
                        "<p>An asset only helps if it suits the person. Checking assets before you "
                        "use them protects people. Recording gaps, without identifying anyone, "
                        "turned single cases into evidence that changed what was available "
                        "locally.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "Pick three entries in your directory. When were they last checked, and "
                        "would you be happy for someone you love to go there?"
                    ),
                    "prompt": (
                        "Think about cost, access, languages, cultural suitability and safety. "
                        "What would you need to check, and who could you ask?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                        {
                            "title": "Additional roles: a quick reference summary",
                            "publisher": "NHS England",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-COM-01",
                "title": (
                    "Keeps an up-to-date directory of community assets with suitability and safety "
                    "checks"
                ),
                "description": (
                    "Keeps an accurate directory of local community assets, with checks on what "
                    "each one offers, who it suits and whether it is safe."
                ),
                "assessment_criteria": [
                    (
                        "Each entry shows what is offered, the cost, access, languages spoken and "
                        "who it suits."
                    ),
                    (
                        "Each entry records a named contact, and safeguarding arrangements where "
                        "relevant."
                    ),
                    (
                        "Each entry shows the date of its last check, within the period the "
                        "service has agreed."
                    ),
                    "Assets that have closed or are unsuitable are removed or clearly marked.",
                ],
                "all_of": [],
                "any_of": ["WPR"],
                "core": True,
            },
            {
                "code": "SPLW-COM-02",
                "title": "Builds two-way relationships with voluntary-sector providers",
                "description": (
                    "Builds working relationships with voluntary-sector partners, with feedback "
                    "both ways, respect for their capacity and appropriate sharing of information."
                ),
                "assessment_criteria": [
                    "Partners confirm regular, useful contact with the link worker.",
                    (
                        "There is an agreed way for partners to give feedback, with the person's "
                        "consent."
                    ),
                    "Referrals take account of each partner's capacity.",
                    (
                        "In a professional discussion, describes how a partnership improved "
                        "support for people."
                    ),
                ],
                "all_of": ["WT", "PD"],
                "any_of": [],
                "core": False,
            },
            {
                "code": "SPLW-COM-03",
                "title": "Reports gaps to commissioners with data",
                "description": (
                    "Records gaps in local provision, such as no culturally appropriate or "
                    "affordable option, and reports them to commissioners with anonymised data."
                ),
                "assessment_criteria": [
                    "Keeps an anonymised log of unmet needs as they arise.",
                    "The report shows the numbers, the groups affected and the effect on people.",
                    "The report contains nothing that could identify a person.",
                    (
                        "The report suggests practical options and is shared with the manager and "
                        "the commissioner."
                    ),
                ],
                "all_of": [],
                "any_of": ["WPR"],
                "core": False,
            },
        ],
    },
    {
        "code": "EQU",
        "title": "Inclusion and barriers to access",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to recognise and remove the barriers that stop people using support: language, "
            "culture, confidence, cost and transport, and differences between you and the people "
            "you support."
        ),
        "study_hours": 10,
        "learning_outcomes": [
            (
                "Identify a person's language and communication needs, and arrange a professional "
                "interpreter or an accessible format."
            ),
            "Find options that are culturally appropriate, affordable and within reach.",
            "Solve practical barriers of cost and transport with the person.",
            "Build a person's confidence for their first connection.",
            "Reflect on how your own background and assumptions affect rapport.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<p>Patients and the public have named the barriers that stop social "
                    "prescribing working for them. Your job is to notice these barriers and remove "
                    "them. Do not assume that a person who does not turn up is not interested.</p>"
                    "<h3>Language and communication</h3>"
                    "<p>Ask every person how they prefer to communicate, and record it. If a "
                    "person is not fluent in English, book a professional interpreter, face to "
                    "face, by phone or by video. For Deaf people who use British Sign Language "
                    "(BSL), book a qualified BSL interpreter. Do not use family, friends or "
                    "children to interpret, except in an emergency. They may change the message, "
                    "and the person may not speak freely in front of them. You are not the "
                    "interpreter, even if you share a language, unless your employer has assessed "
                    "you as able to work in it.</p>"
                    "<p>The NHS Accessible Information Standard also applies. Services must "
                    "identify, record, flag, share and meet the information and communication "
                    "needs of people with a disability, impairment or sensory loss. That might "
                    "mean large print, easy read, braille, audio or a longer appointment.</p>"
                    "<h3>Culturally appropriate services</h3>"
                    "<p>A service that suits one person may not suit another. Single-sex groups, "
                    "food, alcohol, prayer times, dress, and whether staff understand the person's "
                    "culture or faith can all matter. Ask the person what would make them "
                    "comfortable. Do not guess from their name or appearance. If nothing suitable "
                    "exists, record the gap (module COM).</p>"
                    "<h3>Confidence</h3>"
                    "<p>Walking into a room of strangers is hard, especially for someone who is "
                    "anxious, grieving or has been on their own for a long time. Ways to help "
                    "include:</p>"
                    "<ul>"
                    "<li>a warm handover: introducing the person to a named contact at the group, "
                    "by phone or in person</li>"
                    "<li>going with them to the first session, then stepping back</li>"
                    "<li>a buddy or volunteer who goes with them for the first few times</li>"
                    "<li>visiting before a session starts, when it is quiet</li></ul>"
                    "<h3>Cost and transport</h3>"
                    "<p>Ask about cost early, and without embarrassment. Look for free options, "
                    "reduced prices and hardship funds. Check whether the person may be entitled "
                    "to benefits or a bus pass they are not getting, and refer them to an advice "
                    "service if so. For transport, find out about community transport, volunteer "
                    "driver schemes and accessible bus routes, or look for something closer to "
                    "home.</p>"
                    "<h3>Your own background</h3>"
                    "<p>You may come from a different background from the people you support, for "
                    "example in ethnicity, faith, class, age, sexuality, disability or life "
                    "experience. People have said this can make it harder to trust a link worker "
                    "or to feel understood. Sharing a background is not always possible, and it is "
                    "not always what a person wants. What helps is cultural humility: being "
                    "curious, asking rather than assuming, noticing your own reactions and biases, "
                    "and being honest about what you don't know. Think about whose trust comes "
                    "easily to you, and whose does not, and take this to supervision.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Use a professional interpreter. Never rely on children, family or "
                            "friends, except in an emergency."
                        ),
                        (
                            "Ask what would make a service suitable. Don't assume from a name or "
                            "appearance."
                        ),
                        (
                            "Warm handovers, going with someone the first time, and buddies all "
                            "build confidence."
                        ),
                        (
                            "Ask about cost and transport early, and check benefits and "
                            "entitlements."
                        ),
                        "Reflect on your own background and bias, and take it to supervision.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Maryam and the swimming sessions",
                    "scenario": (
                        "<p>Maryam Hussain is 45. She has type 2 diabetes and has been feeling "
                        "low. She tells Jack, her link worker, that she loved swimming as a girl. "
                        "Jack is white, British and in his twenties. He suggests the public swim "
                        "at the leisure centre. Maryam says nothing, and then misses the next two "
                        "appointments.</p>"
                    ),
                    "what_happened": (
                        "<p>Jack phones Maryam and offers an Urdu interpreter in case that is "
                        "easier. Through the interpreter, Maryam explains that she would only swim "
                        "at a women-only session with female staff. The leisure centre is also two "
                        "buses away and costs more than she can afford.</p>"
                        "<p>Jack finds a women-only session with a female lifeguard at another "
                        "pool on a single bus route, with a reduced price for people on benefits. "
                        "He arranges for a volunteer from a local women's centre to go with Maryam "
                        "the first time. Jack realises he had not asked what would make swimming "
                        "right for her, and he takes this to supervision.</p>"
                    ),
                    "learning": (
                        "<p>The missed appointments were a sign of barriers, not a lack of "
                        "interest. An interpreter, a question about what would suit her, and "
                        "practical help with cost, transport and a companion removed those "
                        "barriers. Jack's reflection on his own assumptions is part of the "
                        "learning too.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "Think of someone you support whose background is different from yours. "
                        "What might you have assumed about them, and what did you ask?"
                    ),
                    "prompt": (
                        "Think about language, culture, faith, money, disability and age. Did any "
                        "of your suggestions fit your life better than theirs? What would you like "
                        "to explore in supervision?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": (
                                "Social prescribing blog: patient and public feedback on "
                                "terminology"
                            ),
                            "publisher": "University of Oxford",
                        },
                        {
                            "title": "Personalised care curriculum (2020)",
                            "publisher": "Personalised Care Institute",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-EQU-01",
                "title": (
                    "Identifies language and communication needs; arranges a professional "
                    "interpreter or accessible format"
                ),
                "description": (
                    "Asks about and records each person's language and communication needs, and "
                    "meets them with a professional interpreter or an accessible format."
                ),
                "assessment_criteria": [
                    (
                        "Records show that language and communication needs were asked about and "
                        "recorded."
                    ),
                    (
                        "A professional interpreter was booked where needed, and family, friends "
                        "or children were not used except in an emergency."
                    ),
                    (
                        "Accessible formats, such as easy read, large print or a BSL interpreter, "
                        "were offered where needed."
                    ),
                    (
                        "Passes knowledge questions on interpreting and accessible information "
                        "(80% pass mark)."
                    ),
                ],
                "all_of": ["RA", "KT"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-EQU-02",
                "title": (
                    "Finds culturally appropriate, affordable, reachable options; solves transport "
                    "and cost barriers"
                ),
                "description": (
                    "Works with the person to find options that fit their culture, faith, budget "
                    "and location, and solves cost and transport barriers."
                ),
                "assessment_criteria": [
                    "Asks the person what would make an option suitable, rather than assuming.",
                    (
                        "Checks cost, reduced prices, entitlements and transport before suggesting "
                        "an option."
                    ),
                    (
                        "Finds practical solutions, such as community transport, an option closer "
                        "to home or help with cost."
                    ),
                    (
                        "In a case discussion, explains how barriers were found and removed, and "
                        "what was recorded when no option existed."
                    ),
                ],
                "all_of": [],
                "any_of": ["CBD"],
                "core": True,
            },
            {
                "code": "SPLW-EQU-03",
                "title": "Reflects on own background and bias and their effect on rapport",
                "description": (
                    "Reflects honestly on how their own background, assumptions and biases affect "
                    "rapport with people from different backgrounds, and acts on what they learn."
                ),
                "assessment_criteria": [
                    (
                        "A reflective account describes a specific situation where their "
                        "background or assumptions affected rapport."
                    ),
                    "The account says what the worker learned and what they will change.",
                    (
                        "The account was discussed in supervision, and the supervision record "
                        "shows the actions agreed."
                    ),
                    "Shows curiosity, and asks rather than assumes.",
                ],
                "all_of": ["RFA", "SUP"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-EQU-04",
                "title": "Builds confidence for a first connection",
                "description": (
                    "Helps people who lack confidence to make a first connection, through a warm "
                    "handover, going with them the first time, or a buddy."
                ),
                "assessment_criteria": [
                    "Explores with the person what worries them about going.",
                    (
                        "Arranges suitable support, such as a warm handover, an accompanied first "
                        "visit or a buddy."
                    ),
                    "Steps back as the person's confidence grows.",
                    (
                        "Is either observed by an assessor, or confirmed in a witness statement by "
                        "a partner or colleague."
                    ),
                ],
                "all_of": [],
                "any_of": ["DOP", "WT"],
                "core": False,
            },
        ],
    },
    {
        "code": "OUT",
        "title": "Follow-up, outcomes and data",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to follow people up in a structured way, measure wellbeing, record to the "
            "national standard, close the loop with the GP and referrer, and handle information "
            "safely."
        ),
        "study_hours": 8,
        "learning_outcomes": [
            "Record baseline and follow-up ONS4 wellbeing scores correctly.",
            (
                "Follow up each person in a planned way, and act when they do not attend or do not "
                "benefit."
            ),
            (
                "Record referrals, outcomes and closure to the Social Prescribing Information "
                "Standard."
            ),
            "Write a clear closing summary for the GP and the referrer.",
            "Apply information governance in your everyday work.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Why follow-up matters</h3>"
                    "<p>Patients and the public have asked what happens after a referral. Did the "
                    "person go? Did it help? Referrers want to know too. Yet in a 2023 national "
                    "survey, 28% of link workers said they never recorded outcomes. Without "
                    "follow-up, no one can tell whether the service works, or who it works for.</p>"
                    "<h3>Measuring wellbeing</h3>"
                    "<p>In that survey, the ONS4 personal wellbeing questions were the measure "
                    "link workers used most. There are four questions, each scored from 0 to 10. "
                    "They ask how satisfied the person is with their life, how worthwhile they "
                    "feel the things they do are, how happy they felt yesterday, and how anxious "
                    "they felt yesterday. For anxiety, a lower score is better. Use the standard "
                    "wording. Ask at the first meeting (the baseline) and again at the end, and "
                    "record the answers in the agreed template. Explain why you are asking, and "
                    "that the person can choose not to answer.</p>"
                    "<h3>Structured follow-up</h3>"
                    "<p>Agree in the plan when and how you will follow up. After a connection, "
                    "check whether the person went, how it felt and what they want to do next. If "
                    "someone does not attend, contact them. Do not close the episode without "
                    "trying to find out why: a missed appointment is often a sign of a barrier, "
                    "illness or a crisis. If an activity is not helping, review the plan together "
                    "and try something else. Record each contact and what you agreed.</p>"
                    "<h3>Recording to the national standard</h3>"
                    "<p>The Social Prescribing Information Standard (2023) covers what to record: "
                    "the person's demographics, their needs, the support offered and the outcomes. "
                    "It expects a closing message back to the GP and to the referrer. Use the "
                    "national SNOMED CT codes: <strong>871731000000106</strong> for a referral to "
                    "a social prescribing service, and <strong>871711000000103</strong> when "
                    "social prescribing is declined. Recording the same way everywhere lets the "
                    "practice, the primary care network and the NHS see who uses the service and "
                    "whether it helps.</p>"
                    "<h3>The closing summary</h3>"
                    "<p>When the episode ends, send a short summary to the GP and to whoever "
                    "referred the person. Say what the person wanted, what support they took up, "
                    "how their wellbeing scores changed, anything still outstanding, and how they "
                    "can come back. Write it so that the person would recognise it and be "
                    "comfortable reading it. Share only what each recipient needs.</p>"
                    "<h3>Information governance</h3>"
                    "<p>You handle personal and health information every day. Follow the law (UK "
                    "GDPR, the Data Protection Act 2018 and the common law duty of "
                    "confidentiality) and your employer's policies:</p>"
                    "<ul>"
                    "<li>share only what is needed, only with people who need it, and with consent "
                    "unless the law allows otherwise, for example to protect someone from harm</li>"
                    "<li>ask for consent before you give a person's details to a community "
                    "group</li>"
                    "<li>use approved, secure systems and email; never use personal phones, email "
                    "or messaging apps</li>"
                    "<li>lock your screen, and keep any paper notes secure</li>"
                    "<li>complete your data security training every year, and report any breach "
                    "straight away</li></ul>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        "Record ONS4 scores at the start and at the end of every episode.",
                        (
                            "Never close an episode after a missed appointment without trying to "
                            "find out why."
                        ),
                        "Code referrals 871731000000106 and declines 871711000000103.",
                        "Send a closing summary to both the GP and the referrer.",
                        "Share only what is needed, securely, and with consent.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Closing the loop for Eileen",
                    "scenario": (
                        "<p>Eileen Walsh is 81 and cares for her husband, who has dementia. A "
                        "pharmacist refers her because she seems exhausted. At their first "
                        "meeting, Sam, the link worker, records her ONS4 scores: her life "
                        "satisfaction is 3 and her anxiety is 8. They agree a plan: a carer's "
                        "assessment, a carers' support group, and a sitting service so that she "
                        "can go to it.</p>"
                    ),
                    "what_happened": (
                        "<p>Eileen misses the first group. Instead of closing her case, Sam rings "
                        "her, and learns that the sitter did not turn up. Sam contacts the "
                        "provider, who sorts it out. Eileen goes to the next three sessions.</p>"
                        "<p>At their final meeting, eight contacts in, her life satisfaction is 6 "
                        "and her anxiety is 5. Sam sends a short closing summary to the GP and to "
                        "the pharmacist. It covers what Eileen wanted, what she is doing now, her "
                        "scores, the carer's assessment that is still awaited, and how she can "
                        "come back. With Eileen's consent, Sam shared her details only with the "
                        "carers' group and the sitting service.</p>"
                    ),
                    "learning": (
                        "<p>Structured follow-up caught a problem that would otherwise have ended "
                        "Eileen's support. Baseline and follow-up scores showed the change. The "
                        "closing summary told both the GP and the referrer what happened, which "
                        "builds their trust in the service.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "Look at the records of the last five people you closed. Could a colleague "
                        "tell what each person wanted, what happened and whether it helped?"
                    ),
                    "prompt": (
                        "Check for baseline and follow-up scores, the correct codes, and a closing "
                        "summary to the GP and the referrer. What is missing, and what stops you "
                        "recording it?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": "Social Prescribing Information Standard (2023)",
                            "publisher": "NHS England",
                        },
                        {
                            "title": "Social prescribing link worker survey (2023)",
                            "publisher": "NHS England",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-OUT-01",
                "title": "Records baseline and follow-up wellbeing scores correctly",
                "description": (
                    "Records ONS4 wellbeing scores at the start and end of each episode, using the "
                    "standard questions and the agreed template."
                ),
                "assessment_criteria": [
                    "Baseline scores are recorded at or near the first meeting.",
                    (
                        "Follow-up scores are recorded at the end of the episode, or the reason "
                        "they are missing is noted."
                    ),
                    (
                        "Scores are recorded in the correct fields of the agreed template, on the "
                        "0 to 10 scale."
                    ),
                    (
                        "A question the person chose not to answer is recorded as declined, not as "
                        "a score."
                    ),
                ],
                "all_of": [],
                "any_of": ["RA"],
                "core": True,
            },
            {
                "code": "SPLW-OUT-02",
                "title": (
                    "Follows up in a structured way and acts on non-attendance or no benefit"
                ),
                "description": (
                    "Follows up each person at agreed points, and acts when they do not attend or "
                    "do not benefit, rather than simply closing the episode."
                ),
                "assessment_criteria": [
                    "Records show follow-up points agreed in the plan and carried out.",
                    (
                        "Non-attendance is followed up with attempts to make contact and find out "
                        "why."
                    ),
                    (
                        "Where there is no benefit, the plan is reviewed with the person and "
                        "changed."
                    ),
                    "In a case discussion, explains the actions taken and the reasons for them.",
                ],
                "all_of": ["RA", "CBD"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-OUT-03",
                "title": "Sends a closing summary to the GP and referrer",
                "description": (
                    "Writes a clear, proportionate closing summary at the end of each episode and "
                    "sends it to the GP and the referrer."
                ),
                "assessment_criteria": [
                    "The summary is sent to both the GP and the referrer.",
                    (
                        "It covers what the person wanted, the support taken up, the change in "
                        "wellbeing, anything outstanding and the route back."
                    ),
                    "It is written in plain English, and is accurate and respectful.",
                    "It shares only the information each recipient needs.",
                ],
                "all_of": [],
                "any_of": ["WPR"],
                "core": True,
            },
            {
                "code": "SPLW-OUT-04",
                "title": "Applies information governance day to day",
                "description": (
                    "Handles personal and health information lawfully, securely and only as "
                    "needed, and knows what to do if something goes wrong."
                ),
                "assessment_criteria": [
                    "Holds a current certificate for the required data security e-learning.",
                    (
                        "Passes scenario questions on consent, sharing with community partners and "
                        "secure communication (80% pass mark)."
                    ),
                    "Knows how to recognise and report a data breach.",
                    (
                        "Can explain when information may be shared without consent, for example "
                        "to protect someone from harm."
                    ),
                ],
                "all_of": ["ELC", "RA"],
                "any_of": [],
                "refresh": (12, "ELC"),
                "core": True,
            },
        ],
    },
    {
        "code": "SAF",
        "title": "Safe practice and safeguarding",
        "needed_before_unsupervised_work": True,
        "summary": (
            "How to keep people and yourself safe: recognising and reporting abuse and neglect, "
            "responding to suicidal thoughts or crisis, and working alone within clear boundaries."
        ),
        "study_hours": 10,
        "learning_outcomes": [
            (
                "Recognise the signs of abuse and neglect in adults and children, and report "
                "concerns through the right route."
            ),
            (
                "Respond calmly to a disclosure of suicidal thoughts or crisis, and escalate it "
                "without delay."
            ),
            "Follow lone-working procedures in every setting.",
            "Keep professional boundaries with the people you support.",
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Safeguarding</h3>"
                    "<p>Safeguarding means protecting people's right to live in safety, free from "
                    "abuse and neglect. Because you give people time, they come to trust you, and "
                    "they may tell you things they have told no one else. You may also visit homes "
                    "and see things that others don't. Abuse can be physical, sexual, "
                    "psychological, financial, discriminatory or organisational. It also includes "
                    "domestic abuse, modern slavery, neglect and self-neglect. Children in the "
                    "household may be at risk too.</p>"
                    "<p>If you are worried:</p>"
                    "<ol>"
                    "<li>Listen, stay calm and take what you hear seriously.</li>"
                    "<li>Don't promise to keep it secret. Explain who you need to tell, and "
                    "why.</li>"
                    "<li>If someone is in immediate danger, call 999.</li>"
                    "<li>Otherwise, tell your safeguarding lead or named first point of contact "
                    "the same day, following your employer's policy.</li>"
                    "<li>Write down what you saw and heard, using the person's own words, with the "
                    "date and time and what you did.</li></ol>"
                    "<p>Where you can, involve the person and ask what they want to happen. You "
                    "don't have to prove abuse. Your job is to notice and report.</p>"
                    "<h3>Suicidal thoughts and crisis</h3>"
                    "<p>Asking someone directly whether they are thinking about suicide does not "
                    "put the idea in their head. Many people are relieved to be asked. If a person "
                    "tells you they are having these thoughts:</p>"
                    "<ul>"
                    "<li>stay with them, listen and don't judge</li>"
                    "<li>ask whether they have a plan or the means, and whether they have acted on "
                    "their thoughts</li>"
                    "<li>if there is immediate danger to life, call 999</li>"
                    "<li>otherwise, escalate now through your local protocol, usually to the duty "
                    "GP or your named clinical contact, and don't end the contact until a plan is "
                    "agreed</li>"
                    "<li>make sure the person knows where to get help at any time, such as NHS 111 "
                    "and its mental health option, or a listening service</li>"
                    "<li>record what was said and done, and talk it through in "
                    "supervision</li></ul>"
                    "<p>You are not expected to assess risk like a clinician. You are expected to "
                    "act, and not to carry it alone.</p>"
                    "<h3>Lone working</h3>"
                    "<p>You may see people at home or in the community on your own. Follow your "
                    "lone-working policy every time:</p>"
                    "<ul>"
                    "<li>make sure a colleague knows where you are, who you are seeing and when "
                    "you expect to finish, and check in when you leave</li>"
                    "<li>check the records and the referral for known risks before a first home "
                    "visit, and meet in a public place if in doubt</li>"
                    "<li>carry a charged phone, and any lone-worker device you are given</li>"
                    "<li>leave if you feel unsafe: your safety comes first</li></ul>"
                    "<h3>Boundaries</h3>"
                    "<p>Boundaries protect both you and the people you support. Don't share your "
                    "personal phone number or connect on social media. Follow your employer's "
                    "policies on gifts, money and giving lifts. Don't offer help that is outside "
                    "your role, however kind it seems. If a relationship feels too close, or you "
                    "feel responsible for someone's whole life, discuss it in supervision.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Never promise secrecy. Call 999 if there is immediate danger; "
                            "otherwise tell your safeguarding lead the same day."
                        ),
                        "Asking directly about suicide is safe, and can help.",
                        (
                            "Escalate a disclosure of suicidal thoughts straight away, and don't "
                            "end the contact without a plan."
                        ),
                        "Someone must always know where you are when you work alone.",
                        "Keep boundaries, and take anything that feels too close to supervision.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "A disclosure on a home visit",
                    "scenario": (
                        "<p>Kwame Osei is 52. He was referred for help with debts after his "
                        "business failed. On the third home visit, Lucy, the link worker, notices "
                        "that he seems flat. He says there is no point sorting out the debts "
                        'because "they\'d all be better off without me". His teenage daughter is '
                        "at school.</p>"
                    ),
                    "what_happened": (
                        "<p>Lucy asks him directly whether he is thinking of ending his life. He "
                        "says yes: he has thought about how, but has not set a date. Lucy stays, "
                        "listens, and tells him she needs to speak to his GP today. With his "
                        "agreement, she phones the duty GP from his home. The GP arranges to see "
                        "him that afternoon and refers him to the local crisis team. Lucy makes "
                        "sure Kwame knows he can reach NHS 111 and its mental health option at any "
                        "time.</p>"
                        "<p>Before she leaves, Lucy checks in with her colleague, as her "
                        "lone-working procedure requires. She records the conversation and what "
                        "was done, and talks the visit through with her supervisor the next "
                        "day.</p>"
                    ),
                    "learning": (
                        "<p>Lucy did not try to assess the risk herself. She asked directly, "
                        "escalated the same day through her named route, and did not leave until "
                        "there was a plan. She followed her lone-working procedure even in an "
                        "emergency, and used supervision to look after her own wellbeing.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "What would you say and do in the first five minutes after someone tells "
                        "you they are thinking of ending their life?"
                    ),
                    "prompt": (
                        "Write down the words you would use to ask directly. Who is your named "
                        "contact for same-day escalation, and what would you do if they were not "
                        "available? What support would you want for yourself afterwards?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": (
                                "Workforce development framework: social prescribing link workers "
                                "(B1569)"
                            ),
                            "publisher": "NHS England",
                        },
                        {
                            "title": "The Care Certificate standards (2025 update)",
                            "publisher": "Skills for Care",
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-SAF-01",
                "title": "Recognises and reports safeguarding concerns",
                "description": (
                    "Recognises the signs of abuse and neglect in adults and children, and reports "
                    "concerns promptly through the employer's safeguarding procedure."
                ),
                "assessment_criteria": [
                    (
                        "Holds a current certificate for safeguarding e-learning at the level the "
                        "employer requires."
                    ),
                    (
                        "In a case discussion, identifies possible signs of abuse or neglect, "
                        "including self-neglect."
                    ),
                    (
                        "Describes the reporting route: 999 for immediate danger, otherwise the "
                        "safeguarding lead the same day."
                    ),
                    "Explains why secrecy cannot be promised, and how to involve the person.",
                ],
                "all_of": ["ELC", "CBD"],
                "any_of": [],
                "refresh": (36, "ELC"),
                "core": True,
            },
            {
                "code": "SPLW-SAF-02",
                "title": ("Responds to a disclosure of suicidal thoughts or crisis and escalates"),
                "description": (
                    "Responds calmly to a disclosure of suicidal thoughts or crisis, asks directly "
                    "about risk, and escalates without delay through the local protocol."
                ),
                "assessment_criteria": [
                    "In a simulation, asks directly about suicidal thoughts, plans and means.",
                    (
                        "Escalates straight away through the local protocol, calling 999 when "
                        "there is danger to life."
                    ),
                    (
                        "Does not end the contact until a plan or handover is agreed, and tells "
                        "the person where to get help at any time."
                    ),
                    "Passes scenario questions on responding to a crisis (80% pass mark).",
                ],
                "all_of": ["SIM", "KT"],
                "any_of": [],
                "core": True,
            },
            {
                "code": "SPLW-SAF-03",
                "title": "Follows lone-working and boundary policies",
                "description": (
                    "Follows the employer's lone-working procedure every time, and keeps clear "
                    "professional boundaries."
                ),
                "assessment_criteria": [
                    "Passes scenario questions on lone working and boundaries (80% pass mark).",
                    (
                        "Supervision records show that lone-working procedures are followed and "
                        "incidents are reported."
                    ),
                    (
                        "Raises boundary issues, such as gifts, personal contact or "
                        "over-involvement, in supervision."
                    ),
                    "Can describe how to leave a situation that feels unsafe.",
                ],
                "all_of": ["KT", "SUP"],
                "any_of": [],
                "core": True,
            },
        ],
    },
    {
        "code": "PRO",
        "title": "Supervision, reflective practice and professional development",
        "needed_before_unsupervised_work": False,
        "summary": (
            "How to use monthly supervision and reflection, meet the annual CPD minimum, get "
            "support from peers, and keep your qualification current."
        ),
        "study_hours": 6,
        "learning_outcomes": [
            (
                "Prepare for and use monthly supervision, recording your reflection and the "
                "actions agreed."
            ),
            "Write a reflective account that shows learning and change.",
            "Keep a CPD log that meets the National Association of Link Workers' annual minimum.",
            "Take part in a peer-support network.",
            (
                "Describe the qualifications open to link workers and how the core certificate is "
                "kept current."
            ),
        ],
        "body": [
            (
                "rich_text",
                (
                    "<h3>Supervision</h3>"
                    "<p>Link work can be emotionally demanding. You hear difficult stories, hold "
                    "risk, and often work alone. Regular supervision, at least monthly, is a "
                    "minimum expectation for link workers in primary care networks, alongside a "
                    "named first point of contact (including a GP) for clinical questions.</p>"
                    "<p>Supervision has three jobs: to support you, to help you learn, and to "
                    "check that your practice is safe. Bring an agenda: a case you are stuck on, "
                    "an open-ended episode, something that upset you, a learning need. Record what "
                    "you discussed, what you reflected on and the actions agreed, then review "
                    "those actions next time. For this curriculum you need supervision in at least "
                    "10 months out of every 12.</p>"
                    "<h3>Reflective practice</h3>"
                    "<p>Reflection turns experience into learning. One simple structure is:</p>"
                    "<ol>"
                    "<li><strong>What?</strong> What happened? Describe it briefly and "
                    "factually.</li>"
                    "<li><strong>So what?</strong> Why does it matter? What did you feel, and what "
                    "did you learn about yourself, the person or the service?</li>"
                    "<li><strong>Now what?</strong> What will you do differently, and how will you "
                    "know it has worked?</li></ol>"
                    "<p>Keep reflective accounts anonymous, with no names or details that could "
                    "identify anyone. Good reflection is honest about mistakes and uncertainty. It "
                    "is a tool for learning, not a confession.</p>"
                    "<h3>Continuing professional development (CPD)</h3>"
                    "<p>The National Association of Link Workers expects at least 20 CPD points a "
                    "year, including at least 10 hours of formal CPD, such as courses, workshops "
                    "or accredited training. Informal CPD includes reading, shadowing and learning "
                    "from peers. Log each activity when you do it: what it was, the date, the time "
                    "spent, whether it was formal, and what you learned. A log written up at the "
                    "end of the year is rarely accurate.</p>"
                    "<h3>Peer support</h3>"
                    "<p>Going to peer-support networks is another minimum expectation. Many link "
                    "workers are the only one in their practice. Peer networks reduce isolation, "
                    "help you share knowledge of local services, and let you test ideas with "
                    "people who understand the role. Go regularly, and contribute as well as "
                    "listen.</p>"
                    "<h3>Qualifications and your certificate</h3>"
                    "<p>Qualifications open to link workers include the SEG Awards Level 3 "
                    "Certificate in Social Prescribing and the Level 3 Community Health and "
                    "Wellbeing Worker apprenticeship. This curriculum leads to the Link Worker "
                    "Practice Certificate (Core), which lasts 3 years. To keep it current, each "
                    "year you need to meet the CPD minimum, have at least 10 supervision sessions "
                    "and complete refresher training. To renew it every 3 years, you need a new "
                    "direct observation, a case-based discussion about a case involving barriers "
                    "to access, two reflective accounts and your supervisor's confirmation.</p>"
                ),
            ),
            (
                "key_points",
                {
                    "heading": "Key points",
                    "points": [
                        (
                            "Have supervision at least monthly. Bring an agenda, and record your "
                            "reflection and the actions agreed."
                        ),
                        "Use What? So what? Now what? to reflect, and keep accounts anonymous.",
                        (
                            "Aim for at least 20 CPD points a year, including at least 10 hours of "
                            "formal CPD, and log it as you go."
                        ),
                        "Peer-support networks reduce isolation and pool local knowledge.",
                        "The core certificate lasts 3 years and is renewed with fresh evidence.",
                    ],
                },
            ),
            (
                "case_study",
                {
                    "title": "Li Wei's first year",
                    "scenario": (
                        "<p>Li Wei Chen started as a link worker eight months ago. She is the only "
                        "one in a rural practice. She often cancels supervision when her diary is "
                        "full. She has done a lot of learning but has written none of it down. She "
                        "feels tired, and has started to dread one person's phone calls.</p>"
                    ),
                    "what_happened": (
                        "<p>At a review meeting, her manager points out that she has had only "
                        "three supervision sessions. Li Wei books monthly sessions for the rest of "
                        "the year and protects them in her diary. At the next session she talks "
                        "about the calls she dreads. With her supervisor, she sees that the "
                        "episode has no end point, and they agree a step-down plan.</p>"
                        "<p>Li Wei writes a reflective account using What? So what? Now what? She "
                        "rebuilds her CPD log from her calendar and training certificates. She "
                        "also joins a local peer network, where she meets two link workers who are "
                        "also trying to reach farm workers, and they share ideas.</p>"
                    ),
                    "learning": (
                        "<p>Supervision is easy to drop when you are busy, which is when you need "
                        "it most. Logging CPD as you go saves time and gives an accurate record. "
                        "Peer support eases isolation and pools knowledge.</p>"
                    ),
                },
            ),
            (
                "reflective_question",
                {
                    "question": (
                        "What did you bring to your last supervision session, and what changed as "
                        "a result?"
                    ),
                    "prompt": (
                        'If the answer is "not much", plan an agenda for your next session: one '
                        "case, one feeling and one learning need. Then check your CPD log: how "
                        "many points and hours of formal CPD do you have so far this year?"
                    ),
                },
            ),
            (
                "further_reading",
                {
                    "items": [
                        {
                            "title": "Education standards and CPD policy",
                            "publisher": "National Association of Link Workers",
                        },
                        {
                            "title": "Revalidation guidance",
                            "publisher": "Nursing and Midwifery Council",
                        },
                        {
                            "title": (
                                "Community health and wellbeing worker apprenticeship standard "
                                "(ST0958)"
                            ),
                            "publisher": ("Institute for Apprenticeships and Technical Education"),
                        },
                    ],
                },
            ),
        ],
        "competencies": [
            {
                "code": "SPLW-PRO-01",
                "title": ("Takes part in monthly supervision with recorded reflection and actions"),
                "description": (
                    "Takes part in supervision every month, brings cases and concerns, and records "
                    "their reflection and the actions agreed."
                ),
                "assessment_criteria": [
                    "Supervision records show sessions in at least 10 of the last 12 months.",
                    "Each record includes the worker's reflection and the actions agreed.",
                    "Actions from earlier sessions are reviewed and followed through.",
                    "Brings open-ended episodes, risk and their own wellbeing to supervision.",
                ],
                "all_of": [],
                "any_of": ["SUP"],
                "core": True,
            },
            {
                "code": "SPLW-PRO-02",
                "title": "Keeps a CPD log meeting the professional body's annual minimum",
                "description": (
                    "Keeps an up-to-date CPD log that meets the National Association of Link "
                    "Workers' minimum of 20 points a year, including 10 hours of formal CPD."
                ),
                "assessment_criteria": [
                    "The log shows at least 20 CPD points in the past year.",
                    "At least 10 hours of the CPD are formal, with evidence.",
                    (
                        "Each entry records the date, time spent, type of activity and what was "
                        "learned."
                    ),
                    "Learning is linked to practice, or to needs found in supervision.",
                ],
                "all_of": [],
                "any_of": ["WPR"],
                "core": True,
            },
            {
                "code": "SPLW-PRO-03",
                "title": "Takes part in a peer-support network",
                "description": (
                    "Goes to a link worker peer-support network regularly, and contributes to it."
                ),
                "assessment_criteria": [
                    "The network's organiser or a member confirms regular attendance.",
                    (
                        "The witness confirms that the worker contributes, for example by sharing "
                        "local knowledge or presenting a case."
                    ),
                    (
                        "The witness describes something the worker learned from peers and applied "
                        "in practice."
                    ),
                ],
                "all_of": [],
                "any_of": ["WT"],
                "core": False,
            },
        ],
    },
]
MILESTONE_CODES = [
    "SPLW-ROL-01",
    "SPLW-ROL-03",
    "SPLW-REF-01",
    "SPLW-SAF-01",
    "SPLW-SAF-02",
    "SPLW-SAF-03",
    "SPLW-OUT-04",
]
