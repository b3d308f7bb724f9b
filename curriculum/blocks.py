"""StreamField blocks for module pages: teaching content a trainer can arrange freely."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class KeyPointsBlock(blocks.StructBlock):
    """A callout of the points a learner must take away."""

    heading = blocks.CharBlock(default="Key points", max_length=120)
    points = blocks.ListBlock(blocks.CharBlock(max_length=400), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "curriculum/blocks/key_points.html"


class CaseStudyBlock(blocks.StructBlock):
    """A realistic (fictional) situation, what the link worker did, and why it matters."""

    title = blocks.CharBlock(max_length=160)
    scenario = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    what_happened = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="What happened")
    learning = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, label="What to learn from it"
    )

    class Meta:
        icon = "user"
        template = "curriculum/blocks/case_study.html"


class ReflectiveQuestionBlock(blocks.StructBlock):
    """A question for the learner's reflective account or supervision."""

    question = blocks.TextBlock()
    prompt = blocks.TextBlock(required=False, help_text="Optional hints for answering.")

    class Meta:
        icon = "help"
        template = "curriculum/blocks/reflective_question.html"


class VideoBlock(blocks.StructBlock):
    """An embedded video with a transcript for people who cannot watch it."""

    video = EmbedBlock(help_text="The address of the video page.")
    caption = blocks.CharBlock(required=False, max_length=200)
    transcript = blocks.TextBlock(required=False)

    class Meta:
        icon = "media"
        template = "curriculum/blocks/video.html"


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a document held in the CMS (a workbook, a template, a policy)."""

    document = DocumentChooserBlock()
    description = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "curriculum/blocks/document_link.html"


class FurtherReadingBlock(blocks.StructBlock):
    """Sources for learners who want to go deeper."""

    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(max_length=200)),
                ("publisher", blocks.CharBlock(required=False, max_length=200)),
                ("url", blocks.URLBlock(required=False)),
            ]
        )
    )

    class Meta:
        icon = "link"
        template = "curriculum/blocks/further_reading.html"


class ModuleBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    key_points = KeyPointsBlock()
    case_study = CaseStudyBlock()
    reflective_question = ReflectiveQuestionBlock()
    video = VideoBlock()
    document = DocumentLinkBlock()
    further_reading = FurtherReadingBlock()
