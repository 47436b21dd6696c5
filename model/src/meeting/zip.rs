//! A small ZIP writer, enough for an OpenDocument file ([`super::odt`]):
//! entries in the order given, each stored or deflated (`miniz_oxide`),
//! with its CRC-32 (`crc32fast`), a central directory and its end record.
//! No ZIP64 (an entry or the archive past 4 GiB is refused), no
//! encryption, no extra fields: OpenDocument asks that the first entry,
//! `mimetype`, be stored uncompressed with no extra field, so that its
//! media type reads at a fixed offset.

/// Why an archive could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("the file is too large for a ZIP archive without ZIP64")]
    TooLarge,
    #[error("the archive is damaged or not one this program writes")]
    Damaged,
}

/// How an entry is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Stored,
    /// Deflated at this level (1 fastest … 9 smallest).
    Deflated(u8),
}

struct Written {
    name: String,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// An archive being written, in memory.
#[derive(Default)]
pub struct Zip {
    out: Vec<u8>,
    entries: Vec<Written>,
}

// 1980-01-01 00:00, the earliest DOS date: the file does not depend on
// the clock (the same booklet makes the same bytes).
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// Bit 11: the name is UTF-8.
const UTF8: u16 = 1 << 11;

fn u32_of(n: usize) -> Result<u32, ZipError> {
    u32::try_from(n).map_err(|_| ZipError::TooLarge)
}

impl Zip {
    pub fn new() -> Zip {
        Zip::default()
    }

    /// Add `name` with `data`.
    pub fn add(&mut self, name: &str, data: &[u8], method: Method) -> Result<(), ZipError> {
        let crc = crc32fast::hash(data);
        let deflated;
        let (code, body): (u16, &[u8]) = match method {
            Method::Stored => (0, data),
            Method::Deflated(level) => {
                deflated = miniz_oxide::deflate::compress_to_vec(data, level.clamp(1, 9));
                (8, &deflated)
            }
        };
        let entry = Written {
            name: name.to_owned(),
            method: code,
            crc,
            compressed: u32_of(body.len())?,
            size: u32_of(data.len())?,
            offset: u32_of(self.out.len())?,
        };
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::TooLarge)?;
        let out = &mut self.out;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&UTF8.to_le_bytes());
        out.extend_from_slice(&entry.method.to_le_bytes());
        out.extend_from_slice(&DOS_TIME.to_le_bytes());
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&entry.crc.to_le_bytes());
        out.extend_from_slice(&entry.compressed.to_le_bytes());
        out.extend_from_slice(&entry.size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);
        u32_of(out.len())?;
        self.entries.push(entry);
        Ok(())
    }

    /// The archive: the entries, the central directory, its end.
    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let start = u32_of(self.out.len())?;
        let count = u16::try_from(self.entries.len()).map_err(|_| ZipError::TooLarge)?;
        let out = &mut self.out;
        for entry in &self.entries {
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            out.extend_from_slice(&20u16.to_le_bytes()); // made by: 2.0
            out.extend_from_slice(&20u16.to_le_bytes()); // needed: 2.0
            out.extend_from_slice(&UTF8.to_le_bytes());
            out.extend_from_slice(&entry.method.to_le_bytes());
            out.extend_from_slice(&DOS_TIME.to_le_bytes());
            out.extend_from_slice(&DOS_DATE.to_le_bytes());
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&entry.compressed.to_le_bytes());
            out.extend_from_slice(&entry.size.to_le_bytes());
            out.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra
            out.extend_from_slice(&0u16.to_le_bytes()); // comment
            out.extend_from_slice(&0u16.to_le_bytes()); // disk
            out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            out.extend_from_slice(&entry.offset.to_le_bytes());
            out.extend_from_slice(entry.name.as_bytes());
        }
        let size = u32_of(out.len())? - start;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // this disk
        out.extend_from_slice(&0u16.to_le_bytes()); // the directory's disk
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        Ok(self.out)
    }
}

/// Read an archive written the simple way (as [`Zip`] writes it): each
/// local entry in turn, stored or deflated, its CRC checked. For tests and
/// the command line's checks; a damaged archive is an error, not a panic.
pub fn read(zip: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZipError> {
    let bad = || ZipError::Damaged;
    let le16 = |at: usize| -> Result<usize, ZipError> {
        let b = zip.get(at..at + 2).ok_or_else(bad)?;
        Ok(u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let le32 = |at: usize| -> Result<u32, ZipError> {
        let b = zip.get(at..at + 4).ok_or_else(bad)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut out = Vec::new();
    let mut at = 0;
    while zip.len() >= at + 4 && le32(at)? == 0x0403_4b50 {
        let method = le16(at + 8)?;
        let crc = le32(at + 14)?;
        let compressed = le32(at + 18)? as usize;
        let name_len = le16(at + 26)?;
        let extra = le16(at + 28)?;
        let name = zip.get(at + 30..at + 30 + name_len).ok_or_else(bad)?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| bad())?;
        let data_at = at + 30 + name_len + extra;
        let raw = zip.get(data_at..data_at + compressed).ok_or_else(bad)?;
        let data = match method {
            0 => raw.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(raw, 64 << 20).map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if crc32fast::hash(&data) != crc {
            return Err(bad());
        }
        out.push((name, data));
        at = data_at + compressed;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read the archive back the simple way: each local entry in turn.
    fn entries(zip: &[u8]) -> Vec<(String, u16, Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 0;
        let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]);
        let le32 = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        while le32(zip, at) == 0x0403_4b50 {
            let method = le16(zip, at + 8);
            let crc = le32(zip, at + 14);
            let compressed = le32(zip, at + 18) as usize;
            let name_len = le16(zip, at + 26) as usize;
            let extra = le16(zip, at + 28) as usize;
            let name = String::from_utf8(zip[at + 30..at + 30 + name_len].to_vec()).unwrap();
            let data_at = at + 30 + name_len + extra;
            let raw = &zip[data_at..data_at + compressed];
            let data = match method {
                0 => raw.to_vec(),
                8 => miniz_oxide::inflate::decompress_to_vec(raw).unwrap(),
                _ => panic!("method {method}"),
            };
            assert_eq!(crc32fast::hash(&data), crc, "{name}: its CRC");
            out.push((name, method, data));
            at = data_at + compressed;
        }
        assert_eq!(le32(zip, zip.len() - 22), 0x0605_4b50, "the end record");
        assert_eq!(le16(zip, zip.len() - 12) as usize, out.len());
        out
    }

    #[test]
    fn entries_read_back_stored_and_deflated_in_order() {
        let mut zip = Zip::new();
        zip.add("mimetype", b"application/x-test", Method::Stored)
            .unwrap();
        let big = "la paix ".repeat(10_000);
        zip.add("dossier/é.txt", big.as_bytes(), Method::Deflated(6))
            .unwrap();
        let bytes = zip.finish().unwrap();
        assert_eq!(&bytes[30..38], b"mimetype", "the first name at offset 30");
        assert_eq!(&bytes[38..56], b"application/x-test", "stored right after");
        let read = entries(&bytes);
        assert_eq!(
            read[0],
            ("mimetype".into(), 0, b"application/x-test".to_vec())
        );
        assert_eq!(read[1].0, "dossier/é.txt");
        assert_eq!(read[1].1, 8);
        assert_eq!(read[1].2, big.as_bytes());
        assert!(bytes.len() < big.len() / 10, "deflated");
    }
}
