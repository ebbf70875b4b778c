//! Removes TrueType hinting from a font subset before it is embedded: PDF viewers render
//! outlines without it, and in Liberation it is over half of every glyph's bytes.
//! Drops the `fpgm`, `prep` and `cvt ` tables and the instructions of simple glyphs.

/// A table of an sfnt font: its tag and bytes.
type Table = ([u8; 4], Vec<u8>);

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn tables(font: &[u8]) -> Option<Vec<Table>> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count)
        .map(|i| {
            let rec = 12 + i * 16;
            let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
            let offset = u32_at(font, rec + 8)? as usize;
            let len = u32_at(font, rec + 12)? as usize;
            Some((tag, font.get(offset..offset.checked_add(len)?)?.to_vec()))
        })
        .collect()
}

/// A simple glyph without its instructions, and without any bytes after its last
/// coordinate (the source's padding): header, contour ends, an empty instruction count,
/// flags and coordinates.
fn strip_simple(g: &[u8], contours: usize) -> Option<Vec<u8>> {
    let at = 10 + 2 * contours;
    let points = if contours == 0 {
        0
    } else {
        usize::from(u16_at(g, at - 2)?) + 1
    };
    let instructions = usize::from(u16_at(g, at)?);
    let start = at + 2 + instructions;
    // Flags, with repeats, then the x and y coordinates they describe.
    let mut flags = Vec::with_capacity(points);
    let mut i = start;
    while flags.len() < points {
        let f = *g.get(i)?;
        i += 1;
        flags.push(f);
        if f & 0x08 != 0 {
            let repeat = *g.get(i)?;
            i += 1;
            flags.extend(std::iter::repeat_n(f, usize::from(repeat)));
        }
    }
    flags.truncate(points);
    let size = |f: u8, short: u8, same: u8| {
        if f & short != 0 {
            1
        } else if f & same != 0 {
            0
        } else {
            2
        }
    };
    let x: usize = flags.iter().map(|f| size(*f, 0x02, 0x10)).sum();
    let y: usize = flags.iter().map(|f| size(*f, 0x04, 0x20)).sum();
    let end = i + x + y;
    let mut out = Vec::with_capacity(end - instructions);
    out.extend_from_slice(g.get(..at)?);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(g.get(start..end)?);
    Some(out)
}

/// A composite glyph (an accented letter built from others) without its instructions:
/// the "we have instructions" flag is cleared and the instructions after the last
/// component are dropped, with any padding.
fn strip_composite(g: &[u8]) -> Option<Vec<u8>> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    const HAVE_INSTRUCTIONS: u16 = 0x0100;
    let mut out = g.get(..10)?.to_vec();
    let mut i = 10;
    loop {
        let flags = u16_at(g, i)?;
        let mut len = 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        if flags & HAVE_SCALE != 0 {
            len += 2;
        } else if flags & HAVE_XY_SCALE != 0 {
            len += 4;
        } else if flags & HAVE_2X2 != 0 {
            len += 8;
        }
        out.extend_from_slice(&(flags & !HAVE_INSTRUCTIONS).to_be_bytes());
        out.extend_from_slice(g.get(i + 2..i + len)?);
        i += len;
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    Some(out)
}

/// The glyphs of `glyf` as located by `loca`, with their instructions removed.
fn strip_glyphs(glyf: &[u8], loca: &[u8], long: bool, count: usize) -> Option<Vec<Vec<u8>>> {
    let offset = |i: usize| -> Option<usize> {
        if long {
            u32_at(loca, i * 4).map(|o| o as usize)
        } else {
            u16_at(loca, i * 2).map(|o| usize::from(o) * 2)
        }
    };
    (0..count)
        .map(|i| {
            let (start, end) = (offset(i)?, offset(i + 1)?);
            let g = glyf.get(start..end)?;
            if g.len() < 10 {
                return Some(g.to_vec());
            }
            let contours = i16::from_be_bytes([g[0], g[1]]);
            if contours < 0 {
                strip_composite(g)
            } else {
                strip_simple(g, usize::try_from(contours).ok()?)
            }
        })
        .collect()
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font without hinting; the input unchanged if it is not a TrueType font this
/// understands.
pub fn strip_hinting(font: &[u8]) -> Vec<u8> {
    rebuild(font).unwrap_or_else(|| font.to_vec())
}

fn rebuild(font: &[u8]) -> Option<Vec<u8>> {
    let mut tables = tables(font)?;
    let find = |tables: &[Table], tag: &[u8; 4]| tables.iter().position(|(t, _)| t == tag);
    let head = &tables[find(&tables, b"head")?].1;
    let long = u16_at(head, 50)? == 1;
    let count = usize::from(u16_at(&tables[find(&tables, b"maxp")?].1, 4)?);
    let (gi, li) = (find(&tables, b"glyf")?, find(&tables, b"loca")?);
    let glyphs = strip_glyphs(&tables[gi].1, &tables[li].1, long, count)?;
    let mut glyf = Vec::new();
    let mut loca = Vec::with_capacity((count + 1) * 4);
    let push_offset = |loca: &mut Vec<u8>, at: usize| {
        if long {
            loca.extend_from_slice(&(at as u32).to_be_bytes());
        } else {
            loca.extend_from_slice(&((at / 2) as u16).to_be_bytes());
        }
    };
    for g in glyphs {
        push_offset(&mut loca, glyf.len());
        glyf.extend_from_slice(&g);
        while glyf.len() % if long { 4 } else { 2 } != 0 {
            glyf.push(0);
        }
    }
    push_offset(&mut loca, glyf.len());
    if !long && glyf.len() / 2 > usize::from(u16::MAX) {
        return None;
    }
    tables[gi].1 = glyf;
    tables[li].1 = loca;
    tables.retain(|(tag, _)| !matches!(tag, b"fpgm" | b"prep" | b"cvt "));

    let n = tables.len() as u16;
    let entry_selector = 15 - n.leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::with_capacity(font.len());
    out.extend_from_slice(font.get(0..4)?);
    for v in [n, search_range, entry_selector, n * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + tables.len() * 16;
    let mut body = Vec::new();
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + tables.len() * 16 + body.len();
    }
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hinting_goes_and_every_glyph_stays() {
        let font = include_bytes!("fonts/LiberationSerif-Regular.ttf");
        let mut remapper = subsetter::GlyphRemapper::new();
        for g in [36u16, 68, 69, 70, 200] {
            remapper.remap(g);
        }
        let subset = subsetter::subset(font, 0, &remapper).unwrap_or_default();
        let stripped = strip_hinting(&subset);
        assert!(
            stripped.len() < subset.len() * 3 / 4,
            "{} → {}",
            subset.len(),
            stripped.len()
        );
        let before = tables(&subset).unwrap_or_default();
        let after = tables(&stripped).unwrap_or_default();
        assert!(
            after
                .iter()
                .all(|(t, _)| !matches!(t, b"fpgm" | b"prep" | b"cvt "))
        );
        assert_eq!(
            after.len(),
            before
                .iter()
                .filter(|(t, _)| !matches!(t, b"fpgm" | b"prep" | b"cvt "))
                .count()
        );
        let maxp = |t: &[Table]| {
            t.iter()
                .find(|(tag, _)| tag == b"maxp")
                .map(|(_, d)| d.clone())
        };
        assert_eq!(maxp(&before), maxp(&after), "same glyph count");
    }
}
