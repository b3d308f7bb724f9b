"""Internal quality assurance in a real browser: the demo IQA puts a sampled assessment on hold.

Harriet (iqa@) signs in, lands on her sampling page, opens the first selected assessment's
evidence and notes, says she does not agree (first without a reason, which is refused beside the
field), and the page confirms the assessment is on hold.
"""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from competencies.models import Assessment, IqaDecision, IqaSample
from quality import demo as quality_demo
from tests.e2e.test_sign_in import sign_in

REASON = "The notes do not say what the link worker did: level 3 needs an observed example."


def test_the_iqa_puts_a_sampled_assessment_on_hold(page, visit, follow, demo_data):
    quality_demo.load()  # already in the demo once load_demo_data calls it; adds nothing then

    sign_in(page, visit, follow, quality_demo.IQA_EMAIL)

    assert urlsplit(page.url).path == "/quality/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments to sample")
    table = page.get_by_role("region", name="Assessments to sample")
    first_row = table.get_by_role("row").nth(1)
    assessment = Assessment.objects.get(pk=first_row.get_attribute("data-assessment"))
    follow(page, first_row.get_by_role("link", name="Evidence and notes"))
    expect(page.get_by_role("heading", level=1)).to_have_text(assessment.competency.short_name)

    page.get_by_label("Not agreed: on hold until re-assessed").check()
    follow(page, page.get_by_role("button", name="Record my decision"))
    expect(page.get_by_role("alert")).to_contain_text("Say why you do not agree")
    assert not IqaSample.objects.filter(assessment=assessment).exists()

    page.get_by_label("Not agreed: on hold until re-assessed").check()
    page.get_by_label("Reason").fill(REASON)
    follow(page, page.get_by_role("button", name="Record my decision"))

    expect(page.get_by_role("status")).to_contain_text("The assessment is on hold")
    expect(page.locator("strong.nhsuk-tag", has_text="On hold")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    sample = IqaSample.objects.get(assessment=assessment)
    assert (sample.decision, sample.reason) == (IqaDecision.NOT_AGREED, REASON)
    assert not Assessment.objects.counting().filter(pk=assessment.pk).exists()
