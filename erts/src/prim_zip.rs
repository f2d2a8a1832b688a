//! Reading zip archives the way OTP's `prim_zip` does (the part of it `erl_prim_loader`
//! uses): the central directory found from the end record, each entry's file name, size and
//! time, and an entry's bytes (stored or deflated). Nothing is written and nothing is checked
//! that `prim_zip` does not check (no CRC), so an archive reads here as it reads on OTP.

/// Signatures of the records (little-endian `u32`).
const EOCD_MAGIC: u32 = 0x0605_4b50;
const CENTRAL_FILE_MAGIC: u32 = 0x0201_4b50;
const LOCAL_FILE_MAGIC: u32 = 0x0403_4b50;
/// Fixed sizes of the records, signatures included.
const EOCD_SIZE: usize = 22;
const CENTRAL_FILE_HEADER_SIZE: usize = 46;
const LOCAL_FILE_HEADER_SIZE: usize = 30;
/// Compression methods.
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

/// Why an archive or one of its entries cannot be read: the reasons `prim_zip` throws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-central-directory record (`bad_eocd`).
    BadEocd,
    /// The central directory is cut short or damaged (`bad_central_directory`).
    BadCentralDirectory,
    /// An entry's local header is not where the directory says (`{bad_local_file_header, F}`).
    BadLocalFileHeader(String),
    /// An entry's data would start past its end (`{bad_local_file_offset, F}`).
    BadLocalFileOffset(String),
    /// A method other than stored or deflated (`{unsupported_compression, F, M}`).
    UnsupportedCompression(String, u16),
    /// Deflated data that does not inflate (`data_error` of `zlib`).
    DataError,
    /// An archive file shorter than the end window being searched: the file position would
    /// go before its start (`einval` from `prim_file`; an archive in memory reads on).
    Einval,
}

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub struct ZipEntry {
    /// The name as stored (bytes read as Latin-1 characters, as `binary_to_list/1` does).
    pub name: String,
    /// Where its local header starts.
    offset: usize,
    /// The bytes from the local header to the next entry's (or to the directory).
    span: usize,
    /// The uncompressed size.
    pub size: u64,
    /// The MS-DOS date and time, as stored.
    dos_date: u16,
    dos_time: u16,
}

impl ZipEntry {
    /// The time as `prim_zip` reads it: `{{Y, M, D}, {H, Mi, S}}`, where S is the stored
    /// field itself (MS-DOS keeps seconds halved; `prim_zip` does not double them).
    pub fn datetime(&self) -> ((i64, i64, i64), (i64, i64, i64)) {
        let d = self.dos_date as i64;
        let t = self.dos_time as i64;
        (
            ((d >> 9) + 1980, (d >> 5) & 0xf, d & 0x1f),
            (t >> 11, (t >> 5) & 0x3f, t & 0x1f),
        )
    }

    /// Whether the entry names a directory (its name ends in `/`).
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The end record: (entries, directory size, directory offset). `prim_zip` reads a window at
/// the end of the archive, 22 bytes and doubling, and takes the first signature in it; the
/// record and its comment must then fill the rest of the window exactly.
fn end_record(bin: &[u8], from_file: bool) -> Result<(usize, usize, usize), ZipError> {
    let mut window = EOCD_SIZE;
    while window <= 0xffff {
        let Some(start) = bin.len().checked_sub(window) else {
            return Err(if from_file {
                ZipError::Einval
            } else {
                ZipError::BadEocd
            });
        };
        let w = &bin[start..];
        // The offsets `prim_zip` looks at: it steps on while more than 18 bytes follow.
        for i in 0..=w.len().saturating_sub(19) {
            if u32_at(w, i) == Some(EOCD_MAGIC) {
                let rest = &w[i + 4..];
                let comment = u16_at(rest, 16).ok_or(ZipError::BadEocd)? as usize;
                if rest.len() != 18 + comment {
                    return Err(ZipError::BadEocd);
                }
                let entries = u16_at(rest, 6).ok_or(ZipError::BadEocd)? as usize;
                let size = u32_at(rest, 8).ok_or(ZipError::BadEocd)? as usize;
                let offset = u32_at(rest, 12).ok_or(ZipError::BadEocd)? as usize;
                return Ok((entries, size, offset));
            }
        }
        window *= 2;
    }
    Err(ZipError::BadEocd)
}

/// The entries of the archive `bin` (read from a file when `from_file`: the end record is
/// then looked for with file positions), in directory order.
pub fn central_dir(bin: &[u8], from_file: bool) -> Result<Vec<ZipEntry>, ZipError> {
    let (n, size, offset) = end_record(bin, from_file)?;
    // `pread` of the directory: what the archive has of it.
    let cd = bin.get(offset.min(bin.len())..).unwrap_or(&[]);
    let cd = &cd[..size.min(cd.len())];
    let mut out: Vec<ZipEntry> = Vec::with_capacity(n.min(4096));
    let mut at = 0usize;
    for _ in 0..n {
        if u32_at(cd, at) != Some(CENTRAL_FILE_MAGIC) || cd.len() < at + CENTRAL_FILE_HEADER_SIZE {
            return Err(ZipError::BadCentralDirectory);
        }
        let h = &cd[at..];
        let field = |o: usize| u16_at(h, o).unwrap_or(0);
        let name_len = field(28) as usize;
        let extra_len = field(30) as usize;
        let comment_len = field(32) as usize;
        let var = CENTRAL_FILE_HEADER_SIZE + name_len + extra_len + comment_len;
        if h.len() < var {
            return Err(ZipError::BadCentralDirectory);
        }
        let name_bytes = &h[CENTRAL_FILE_HEADER_SIZE..CENTRAL_FILE_HEADER_SIZE + name_len];
        out.push(ZipEntry {
            name: name_bytes.iter().map(|&b| b as char).collect(),
            offset: u32_at(h, 42).unwrap_or(0) as usize,
            span: 0,
            size: u32_at(h, 24).unwrap_or(0) as u64,
            dos_time: field(12),
            dos_date: field(14),
        });
        at += var;
    }
    // Each entry reaches to the next one's local header; the last to the directory.
    for i in 0..out.len() {
        let end = out.get(i + 1).map(|e| e.offset).unwrap_or(offset);
        out[i].span = end.wrapping_sub(out[i].offset);
    }
    Ok(out)
}

/// The bytes of entry `e` of archive `bin`: inflated, or as stored (everything up to the
/// next entry, as `prim_zip` gives it).
pub fn entry_data(bin: &[u8], e: &ZipEntry) -> Result<Vec<u8>, ZipError> {
    let bad_header = || ZipError::BadLocalFileHeader(e.name.clone());
    let chunk = e
        .offset
        .checked_add(e.span)
        .and_then(|end| bin.get(e.offset..end))
        .filter(|c| c.len() >= LOCAL_FILE_HEADER_SIZE)
        .ok_or_else(bad_header)?;
    if u32_at(chunk, 0) != Some(LOCAL_FILE_MAGIC) {
        return Err(bad_header());
    }
    let flags = u16_at(chunk, 6).unwrap_or(0);
    let method = u16_at(chunk, 8).unwrap_or(0);
    let name_len = u16_at(chunk, 26).unwrap_or(0) as usize;
    let extra_len = u16_at(chunk, 28).unwrap_or(0) as usize;
    // `prim_zip` steps over a data descriptor here when bit 3 says there is one.
    let descriptor = if flags & 8 == 8 { 12 } else { 0 };
    let start = LOCAL_FILE_HEADER_SIZE + name_len + extra_len + descriptor;
    let data = chunk
        .get(start..)
        .ok_or_else(|| ZipError::BadLocalFileOffset(e.name.clone()))?;
    match method {
        STORED => Ok(data.to_vec()),
        DEFLATED => inflate_raw(data),
        m => Err(ZipError::UnsupportedCompression(e.name.clone(), m)),
    }
}

/// Inflates a raw deflate stream (no zlib header), to its end.
fn inflate_raw(data: &[u8]) -> Result<Vec<u8>, ZipError> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut z = Decompress::new(false);
    let mut out: Vec<u8> = Vec::with_capacity(data.len().saturating_mul(3).min(1 << 26));
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
        let consumed = z.total_in() as usize;
        let before = out.len();
        let status = z
            .decompress_vec(&data[consumed..], &mut out, FlushDecompress::Finish)
            .map_err(|_| ZipError::DataError)?;
        match status {
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => {
                let stuck = z.total_in() as usize == consumed && out.len() == before;
                if stuck && out.len() < out.capacity() {
                    // Input ended before the stream did.
                    return Err(ZipError::DataError);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip made by OTP's `zip:create/3` of `a/` (a folder), `a/b.txt` (stored) and
    /// `c.txt` (deflated), written out by hand: local headers, directory, end record.
    fn sample() -> Vec<u8> {
        fn local(name: &str, method: u16, data: &[u8], out: &mut Vec<u8>) {
            out.extend_from_slice(&LOCAL_FILE_MAGIC.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 16]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        fn central(name: &str, method: u16, size: u32, at: u32, out: &mut Vec<u8>) {
            out.extend_from_slice(&CENTRAL_FILE_MAGIC.to_le_bytes());
            out.extend_from_slice(&[20, 3, 20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            // 12:34:10 (stored 5) on 2024-05-17.
            out.extend_from_slice(&((12 << 11) | (34 << 5) | 5u16).to_le_bytes());
            out.extend_from_slice(&(((2024 - 1980) << 9) | (5 << 5) | 17u16).to_le_bytes());
            out.extend_from_slice(&[0; 8]);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&at.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        let text = b"hello hello hello hello".repeat(10);
        let mut deflated = Vec::new();
        {
            use flate2::{Compress, Compression, FlushCompress};
            let mut c = Compress::new(Compression::default(), false);
            deflated.reserve(1024);
            c.compress_vec(&text, &mut deflated, FlushCompress::Finish)
                .unwrap();
        }
        let mut z = Vec::new();
        let mut offs = [0u32; 3];
        offs[0] = z.len() as u32;
        local("a/", STORED, b"", &mut z);
        offs[1] = z.len() as u32;
        local("a/b.txt", STORED, b"bee", &mut z);
        offs[2] = z.len() as u32;
        local("c.txt", DEFLATED, &deflated, &mut z);
        let cd_at = z.len();
        central("a/", STORED, 0, offs[0], &mut z);
        central("a/b.txt", STORED, 3, offs[1], &mut z);
        central("c.txt", DEFLATED, text.len() as u32, offs[2], &mut z);
        let cd_size = z.len() - cd_at;
        z.extend_from_slice(&EOCD_MAGIC.to_le_bytes());
        z.extend_from_slice(&[0, 0, 0, 0, 3, 0, 3, 0]);
        z.extend_from_slice(&(cd_size as u32).to_le_bytes());
        z.extend_from_slice(&(cd_at as u32).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        z
    }

    #[test]
    fn reads_directory_and_entries() {
        let z = sample();
        let es = central_dir(&z, false).unwrap();
        let names: Vec<&str> = es.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a/", "a/b.txt", "c.txt"]);
        assert!(es[0].is_dir() && !es[1].is_dir());
        assert_eq!(es[1].datetime(), ((2024, 5, 17), (12, 34, 5)));
        assert_eq!(entry_data(&z, &es[1]).unwrap(), b"bee");
        assert_eq!(
            entry_data(&z, &es[2]).unwrap(),
            b"hello hello hello hello".repeat(10)
        );
    }

    #[test]
    fn damaged_archives_are_errors() {
        assert_eq!(
            central_dir(b"not a zip at all, no", false).unwrap_err(),
            ZipError::BadEocd
        );
        assert_eq!(central_dir(b"", false).unwrap_err(), ZipError::BadEocd);
        assert_eq!(central_dir(b"", true).unwrap_err(), ZipError::Einval);
        let mut z = sample();
        // The end record's comment length no longer fits.
        let n = z.len();
        z[n - 2] = 9;
        assert!(central_dir(&z, false).is_err());
        // A directory cut short.
        let z = sample();
        let (_, size, offset) = end_record(&z, false).unwrap();
        let mut cut = z[..offset + size / 2].to_vec();
        cut.extend_from_slice(&z[offset + size..]);
        assert!(central_dir(&cut, false).is_err());
        // Every truncation of the archive, and every byte of it changed, gives an error or
        // some listing, never a panic.
        let read_all = |b: &[u8]| {
            for from_file in [false, true] {
                if let Ok(es) = central_dir(b, from_file) {
                    for e in &es {
                        let _ = entry_data(b, e);
                    }
                }
            }
        };
        for k in 0..z.len() {
            read_all(&z[..k]);
            for flip in [0xff, 0x80, 0x01] {
                let mut m = z.clone();
                m[k] ^= flip;
                read_all(&m);
            }
        }
    }
}
