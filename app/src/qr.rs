//! The QR code of a link, as what an SVG drawing needs: its size and one
//! path of its dark modules. The `qrcode` crate encodes (its image and SVG
//! renderers are left out: one string is all the page needs, and a path
//! built here needs no `inner_html`); the share panel draws the path.
//!
//! Medium error correction (15 % of the code can be lost) keeps a link of
//! about 130 characters at version 8 (49 modules a side), coarse enough to
//! read off a projector from the back of a room, yet robust to a glare or
//! a fold in a printed sheet. The quiet zone, the light margin a reader
//! needs to find the code, is the standard four modules, drawn as part of
//! the picture so no page background or border can eat into it.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

/// The light margin around the code, in modules.
pub const QUIET_ZONE: usize = 4;

/// A QR code ready to draw: a `size` × `size` picture in module units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrPicture {
    /// Modules a side, the quiet zone included: the SVG's `viewBox` size.
    pub size: usize,
    /// Every dark module, one rectangle per run of a row, in module units
    /// and already offset by the quiet zone.
    pub path: String,
}

/// The QR code holding `text`, or `None` when it is too long for one.
pub fn encode(text: &str) -> Option<QrPicture> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|colour| colour == Color::Dark)
        .collect();
    Some(QrPicture {
        size: width + 2 * QUIET_ZONE,
        path: path_of(&dark, width),
    })
}

/// The SVG path of the dark cells of a grid `width` cells wide, given row
/// by row: each run of dark cells in a row is one rectangle one cell high.
fn path_of(dark: &[bool], width: usize) -> String {
    let mut path = String::new();
    if width == 0 {
        return path;
    }
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            let run = x - start;
            // Writing to a String cannot fail.
            let _ = write!(
                path,
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells a path made by [`path_of`] paints, in a `size`-wide grid.
    fn painted(path: &str, size: usize) -> Vec<bool> {
        let mut cells = vec![false; size * size];
        for rect in path.split('M').filter(|rect| !rect.is_empty()) {
            let (origin, rest) = rect.split_once('h').expect("h after the origin");
            let (x, y) = origin.split_once(' ').expect("x and y");
            let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
            let (run, rest) = rest.split_once("v1h-").expect("one cell high");
            let run: usize = run.parse().expect("run");
            assert_eq!(
                rest,
                format!("{run}z"),
                "the rectangle closes where it began"
            );
            for cell in &mut cells[y * size + x..y * size + x + run] {
                assert!(!*cell, "each cell is painted once");
                *cell = true;
            }
        }
        cells
    }

    #[test]
    fn runs_of_a_row_become_one_rectangle_each() {
        // Three rows of three: ##. / #.. / .##, inside the quiet zone.
        let dark = [true, true, false, true, false, false, false, true, true];
        assert_eq!(QUIET_ZONE, 4);
        assert_eq!(path_of(&dark, 3), "M4 4h2v1h-2zM4 5h1v1h-1zM5 6h2v1h-2z");
    }

    #[test]
    fn a_light_grid_draws_nothing() {
        assert_eq!(path_of(&[false; 4], 2), "");
        assert_eq!(path_of(&[], 0), "");
    }

    #[test]
    fn the_picture_paints_exactly_the_codes_dark_modules_inside_its_quiet_zone() {
        let link = "https://cahier.example.org/#v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.\
                    BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB.CCCC";
        let picture = encode(link).expect("a link fits in a QR code");
        let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
            .expect("the same code");
        let width = code.width();
        assert_eq!(picture.size, width + 2 * QUIET_ZONE);
        let cells = painted(&picture.path, picture.size);
        let colours = code.to_colors();
        for y in 0..picture.size {
            for x in 0..picture.size {
                let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + width).contains(&y);
                let expected =
                    inside && colours[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark;
                assert_eq!(cells[y * picture.size + x], expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn a_link_of_the_usual_length_is_coarse_enough_for_a_projector() {
        let link = format!(
            "https://cahier.example.org/#v={}.{}.abcd",
            "A".repeat(43),
            "B".repeat(43)
        );
        let picture = encode(&link).expect("fits");
        // Version 8 at medium correction: 49 modules, and the quiet zone.
        assert!(
            picture.size <= 49 + 2 * QUIET_ZONE,
            "{} modules",
            picture.size
        );
    }

    #[test]
    fn a_text_too_long_for_any_qr_code_gives_none() {
        assert_eq!(encode(&"x".repeat(3000)), None);
    }
}
