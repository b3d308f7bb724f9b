"""QR codes read back as what they encode, in both forms the site draws them."""

import base64
import io
import re

import zxingcpp
from PIL import Image, ImageDraw

from workforce.qr_codes import qr_png_data_uri, qr_svg_data_uri

TEXT = "https://academy.example.org/verify/Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4/"


def _payload(data_uri: str, media_type: str) -> bytes:
    header, _, data = data_uri.partition(",")
    assert header == f"data:{media_type};base64"
    return base64.b64decode(data)


def _read(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_png_is_one_pixel_a_module_inside_its_border():
    image = Image.open(io.BytesIO(_payload(qr_png_data_uri(TEXT, border=2), "image/png")))

    assert image.mode == "1"
    # 4 modules more a version (21 for version 1), and the border on each side.
    modules = image.width - 4
    assert image.width == image.height
    assert (modules - 21) % 4 == 0
    assert _read(image.convert("L").resize((image.width * 4,) * 2, Image.NEAREST)) == [TEXT]


def test_the_svg_draws_the_same_code():
    svg = _payload(qr_svg_data_uri(TEXT, scale=5), "image/svg+xml").decode()
    size = int(re.search(r'<svg width="(\d+)"', svg).group(1))
    # Each dark run is a path rectangle "M x y h w v h h -w Z": drawn again as pixels, it reads.
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+Z", svg)
    assert runs
    for x, y, width, height in (map(int, run) for run in runs):
        draw.rectangle((x, y, x + width - 1, y + height - 1), fill=0)

    assert _read(image) == [TEXT]
