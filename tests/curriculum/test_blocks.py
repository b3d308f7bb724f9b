"""Module body blocks render accessible, CSP-safe HTML."""

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.models import Document

from curriculum.blocks import ModuleBodyBlock, VideoBlock

pytestmark = pytest.mark.django_db


def test_an_uploaded_video_plays_in_the_page_with_its_transcript():
    document = Document.objects.create(
        title="Warm handover", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="handover.mp4")
    )
    block = VideoBlock()

    html = block.render(
        block.to_python({"title": "A warm handover", "video_file": document.pk, "transcript": "Hi"})
    )

    assert f'<video controls preload="metadata" src="{document.url}"' in html
    assert "Transcript" in html
    assert "<iframe" not in html


def test_a_video_elsewhere_is_linked_not_embedded():
    block = VideoBlock()

    html = block.render(block.to_python({"title": "Talk", "url": "https://video.example/talk"}))

    assert '<a href="https://video.example/talk" rel="noopener">' in html
    assert "<iframe" not in html


def test_a_video_needs_a_file_or_a_link():
    block = VideoBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"title": "Nothing to watch"}))


def test_case_study_and_reflective_question_render_their_parts():
    stream = ModuleBodyBlock()
    value = stream.to_python(
        [
            {
                "type": "case_study",
                "value": {
                    "title": "Amina's first visit",
                    "scenario": "<p>Amina had not left home for months.</p>",
                    "what_happened": "<p>Her link worker went with her.</p>",
                    "learning": "<p>Confidence matters.</p>",
                },
            },
            {"type": "reflective_question", "value": {"question": "What helped?", "prompt": ""}},
        ]
    )

    html = stream.render(value)

    assert "Case study: Amina&#x27;s first visit" in html
    assert "What to learn from it" in html
    assert "What helped?" in html
