"""StreamField blocks for module pages: teaching content a trainer can arrange freely."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

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
    """A video with a transcript for people who cannot watch it.

    A video file uploaded to the CMS plays in the page; a video elsewhere is linked, not
    embedded: the site's Content Security Policy allows no third-party frames or requests.
    """

    title = blocks.CharBlock(max_length=200)
    video_file = DocumentChooserBlock(
        required=False, help_text="An MP4 or WebM file uploaded to Documents; plays in the page."
    )
    url = blocks.URLBlock(
        required=False, label="Or a link", help_text="The address of a video on another site."
    )
    transcript = blocks.TextBlock(required=False)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("video_file") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"video_file": ValidationError("Choose a video file or give a link.")}
            )
        return value

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
