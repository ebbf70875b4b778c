#!/usr/bin/env python3
"""Checks the fonts embedded in letters (PDF files given as arguments): each parses
cleanly in fontTools, no glyph keeps TrueType instructions (the hinting tables they
would call are removed), and FreeType loads every glyph. Prints each problem; exits 1
if there is any. Needs fonttools, freetype-py and pypdf."""
import io, sys
from pypdf import PdfReader
from fontTools.ttLib import TTFont
import freetype
import logging
problems = []
class H(logging.Handler):
    def emit(self, record):
        problems.append(record.getMessage())
logging.getLogger("fontTools").addHandler(H())
for path in sys.argv[1:]:
    r = PdfReader(path)
    for page in r.pages:
        for _, v in page["/Resources"]["/Font"].items():
            f = v.get_object()
            desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            data = desc["/FontFile2"].get_object().get_data()
            t = TTFont(io.BytesIO(data))
            glyf = t["glyf"]
            for name in t.getGlyphOrder():
                g = glyf[name]
                g.expand(glyf)
                if hasattr(g, "program") and len(g.program.getBytecode()) > 0:
                    problems.append(f"{desc['/FontName']}: {name} keeps instructions")
            face = freetype.Face(io.BytesIO(data))
            face.set_char_size(12 * 64)
            for gi in range(face.num_glyphs):
                try:
                    face.load_glyph(gi, freetype.FT_LOAD_DEFAULT)
                except Exception as e:
                    problems.append(f"{desc['/FontName']}: FreeType glyph {gi}: {e}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
