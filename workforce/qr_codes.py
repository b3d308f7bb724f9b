"""QR codes as data: URIs, for the certificate's verification address and the authenticator set-up.

zxing-cpp encodes them (in C++: a certificate's took segno 6 ms in Python, mostly trying the
eight mask patterns the QR standard asks an encoder to score, a twentieth of the certificate's
render), at medium error correction, which survives a crease or a smudge.
"""

import base64
import io

import zxingcpp
from PIL import Image, ImageOps


def _symbol(text: str) -> zxingcpp.Barcode:
    return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")


def qr_png_data_uri(text: str, *, border: int = 2) -> str:
    """`text` as a QR code: a black and white PNG of one pixel a module with a `border` of
    modules around it, for a stylesheet to scale up without blurring."""
    modules = _symbol(text).to_image(scale=1, add_quiet_zones=False)
    height, width = modules.shape
    image = Image.frombuffer("L", (width, height), bytes(modules), "raw", "L", 0, 1)
    image = ImageOps.expand(image, border=border, fill=255).convert("1")
    png = io.BytesIO()
    image.save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def qr_svg_data_uri(text: str, *, scale: int = 5) -> str:
    """`text` as a QR code in SVG, `scale` pixels a module, with the standard's quiet zone."""
    svg = _symbol(text).to_svg(scale=scale, add_quiet_zones=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
