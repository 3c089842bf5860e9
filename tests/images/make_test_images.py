"""Writes the test images into a directory (scripts/setup.sh: .test-images/).

Sources: astronaut.png and coffee.png from scikit-image's wheel (skimage/data, public domain),
given as the wheel's path. Generated from them with Pillow:
  astronaut.jpg          the astronaut as a JPEG
  astronaut-1080p.jpg    1920x1080 JPEG: the astronaut (1080x1080) on the coffee photo
  astronaut-alpha.png    RGBA PNG with a transparency gradient
  astronaut-exif6.jpg    stored rotated by 90 degrees with EXIF orientation 6 (displays upright)
  coffee.jpg             the coffee photo as a JPEG
  small-320.jpg          320x320 JPEG (benchmark)
  faces-36.jpg           496x496 JPEG: the astronaut's face, 64x64, in a 6x6 grid on grey (36
                         faces the demo detector finds, for clients that read at most 20)
"""
import io
import sys
import zipfile
from pathlib import Path

from PIL import Image


def main(wheel: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in ("astronaut.png", "coffee.png"):
            (out / name).write_bytes(archive.read(f"skimage/data/{name}"))
    astronaut = Image.open(out / "astronaut.png").convert("RGB")
    coffee = Image.open(out / "coffee.png").convert("RGB")

    astronaut.save(out / "astronaut.jpg", quality=92)
    coffee.save(out / "coffee.jpg", quality=92)

    frame = coffee.resize((1920, 1080), Image.BILINEAR)
    frame.paste(astronaut.resize((1080, 1080), Image.BILINEAR), (420, 0))
    frame.save(out / "astronaut-1080p.jpg", quality=90)

    rgba = astronaut.copy()
    alpha = Image.linear_gradient("L").resize(astronaut.size)
    rgba.putalpha(alpha)
    rgba.save(out / "astronaut-alpha.png")

    rotated = astronaut.transpose(Image.Transpose.ROTATE_90)  # stored 90 degrees counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6  # display: rotate 90 degrees clockwise
    rotated.save(out / "astronaut-exif6.jpg", quality=92, exif=exif.tobytes())

    astronaut.resize((320, 320), Image.BILINEAR).save(out / "small-320.jpg", quality=90)

    face = astronaut.crop((153, 63, 294, 200)).resize((64, 64), Image.BILINEAR)
    grid = Image.new("RGB", (6 * 80 + 16, 6 * 80 + 16), (114, 114, 114))
    for row in range(6):
        for column in range(6):
            grid.paste(face, (16 + column * 80, 16 + row * 80))
    grid.save(out / "faces-36.jpg", quality=92)
    print(f"  wrote test images to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
