"""Draw the demo signature (blue) and seal (red) images of signing/assets/.

    python tests/signing/make_demo_images.py

Nghị định 30/2020 Phụ lục I: the leader's signature image is blue, the agency's seal
is red, both PNG with a transparent background; the seal is drawn at 300 dpi so that
its real size (36 mm) is known. Pure drawing with Pillow: no randomness, so running
the script again gives the same files.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "signing" / "assets"
FONT = ROOT / "signing" / "fonts" / "LiberationSerif-Bold.ttf"
BLUE = (20, 50, 170, 255)
RED = (215, 25, 32, 235)
DPI = 300
SEAL_MM = 36


def signature_image() -> Image.Image:
    """A cursive-looking stroke: a sum of sines drawn as a thick polyline."""
    width, height = 900, 360
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for step in range(1000):
        t = step / 999
        x = 60 + t * 760
        y = (
            height / 2
            + 95 * math.sin(t * 9.5 * math.pi) * (1 - t) ** 0.6
            - 60 * math.sin(t * 2.1 * math.pi)
        )
        points.append((x, y))
    draw.line(points, fill=BLUE, width=11, joint="curve")
    draw.line([(120, 290), (640, 250), (840, 262)], fill=BLUE, width=8, joint="curve")
    return image


def _ring_text(image: Image.Image, text: str, radius: float, size: int) -> None:
    """Write ``text`` clockwise along the top of a circle centred in ``image``."""
    font = ImageFont.truetype(str(FONT), size)
    centre = image.width / 2
    widths = [font.getlength(char) * 1.08 for char in text]
    total_angle = sum(widths) / radius
    angle = -math.pi / 2 - total_angle / 2
    for char, char_width in zip(text, widths, strict=True):
        middle = angle + char_width / 2 / radius
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(
            -math.degrees(middle + math.pi / 2), resample=Image.Resampling.BICUBIC
        )
        x = centre + radius * math.cos(middle) - size
        y = centre + radius * math.sin(middle) - size
        image.alpha_composite(glyph, (round(x), round(y)))
        angle += char_width / radius


def seal_image() -> Image.Image:
    """A round agency seal: two rings, the agency name on the rim, a star inside."""
    side = round(SEAL_MM / 25.4 * DPI)
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = side / 2
    draw.ellipse((6, 6, side - 6, side - 6), outline=RED, width=12)
    inner = c * 0.36
    draw.ellipse((inner, inner, side - inner, side - inner), outline=RED, width=5)
    _ring_text(image, "SỞ KHOA HỌC VÀ CÔNG NGHỆ • ĐỒNG THÁP", radius=c * 0.80, size=40)
    star = []
    for index in range(10):
        radius = c * 0.30 if index % 2 == 0 else c * 0.12
        theta = -math.pi / 2 + index * math.pi / 5
        star.append((c + radius * math.cos(theta), c + radius * math.sin(theta)))
    draw.polygon(star, fill=RED)
    return image


def main() -> None:
    """Write both images."""
    ASSETS.mkdir(exist_ok=True)
    signature_image().save(ASSETS / "demo_signature.png", optimize=True)
    seal_image().save(ASSETS / "demo_seal.png", dpi=(DPI, DPI), optimize=True)


if __name__ == "__main__":
    main()
