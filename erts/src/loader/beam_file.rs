//! Reading a `.beam` file (OTP's `beam_file.c`): the IFF container (`FOR1` size `BEAM`, then
//! 4-byte aligned chunks) and the chunks OTP 25 writes, into a [`BeamFile`].
//!
//! The module MD5 is computed as OTP does (`beam_lib:md5/1`): over the atom, `Code`, `StrT`,
//! `ImpT`, `ExpT`, `FunT` (with each `OldUniq` zeroed), `LitT` and `Meta` chunks, in that order.

use super::compact::{self, OperandCtx, Reader};
use super::{genop, BeamFile, FuncRef, GenOp, Import, Lambda, LineItem, LoadError, Operand};
use crate::atom::{self, Atom};
use crate::etf;
use crate::heap::Heap;
use crate::term::Term;
use md5::{Digest, Md5};

/// The raw chunks of a file, by id.
struct Chunks<'a> {
    /// Each chunk: its id, its data, and up to 4 bytes of the file that follow the data
    /// (OTP's loader hands the literal table's zlib stream 4 bytes past the chunk's end).
    list: Vec<([u8; 4], &'a [u8], &'a [u8])>,
}

impl<'a> Chunks<'a> {
    /// A chunk's data as OTP's `read_beam_chunks` finds it: the last chunk with that id wins,
    /// and an empty chunk counts as absent.
    fn get(&self, id: &[u8; 4]) -> Option<&'a [u8]> {
        self.get_with_after(id).map(|(d, _)| d)
    }

    /// As [`Chunks::get`], with the (up to 4) bytes of the file after the chunk's data.
    fn get_with_after(&self, id: &[u8; 4]) -> Option<(&'a [u8], &'a [u8])> {
        self.list
            .iter()
            .rev()
            .find(|(i, _, _)| i == id)
            .map(|(_, d, after)| (*d, *after))
            .filter(|(d, _)| !d.is_empty())
    }
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The IFF container as OTP's `iff_init` and `read_beam_chunks` read it: `FOR1`, a signed
/// 32-bit form size that must fit in the data (bytes after the form are ignored), the form
/// type `BEAM`, then chunks to the exact end of the form, each `Id Size Data`, padded to 4
/// bytes; the padded size must fit too.
fn container(bytes: &[u8]) -> Result<Chunks<'_>, LoadError> {
    let bad = |d: &str| LoadError::BadContainer(d.to_string());
    if bytes.len() < 8 || &bytes[0..4] != b"FOR1" {
        return Err(bad("no FOR1 header"));
    }
    let size = usize::try_from(be_i32(&bytes[4..8]))
        .ok()
        .filter(|&s| s <= bytes.len() - 8)
        .ok_or_else(|| bad("file is shorter than its header says"))?;
    let form = &bytes[8..8 + size];
    if form.len() < 4 || &form[0..4] != b"BEAM" {
        return Err(bad("IFF form type is not BEAM"));
    }
    let mut pos = 4;
    let mut list = Vec::new();
    while pos < form.len() {
        if form.len() - pos < 8 {
            return Err(bad("truncated chunk header"));
        }
        let mut id = [0u8; 4];
        id.copy_from_slice(&form[pos..pos + 4]);
        let len = usize::try_from(be_i32(&form[pos + 4..pos + 8]))
            .map_err(|_| bad("negative chunk size"))?;
        let start = pos + 8;
        let padded = (len + 3) & !3;
        if form.len() - start < padded {
            return Err(bad("a chunk runs past the end of the file"));
        }
        // The bytes after the data come from the whole file: past the form too.
        let end = 8 + start + len;
        let after = &bytes[end..(end + 4).min(bytes.len())];
        list.push((id, &form[start..start + len], after));
        pos = start + padded;
    }
    Ok(Chunks { list })
}

fn chunk_err(chunk: &'static str, detail: impl Into<String>) -> LoadError {
    LoadError::BadChunk {
        chunk,
        detail: detail.into(),
    }
}

fn read_atoms(chunks: &Chunks) -> Result<Vec<Atom>, LoadError> {
    // OTP 25 refuses the latin-1 `Atom` chunk of OTP 20 and earlier.
    let data = chunks.get(b"AtU8").ok_or(LoadError::MissingChunk("AtU8"))?;
    let mut r = Reader::new(data, "AtU8");
    let raw_count = r.u32()? as i32;
    // OTP 25 writes a negative count for the "long atoms" format (lengths coded as compact
    // terms, whatever their tag); older files use a 1-byte length.
    let long = raw_count < 0;
    let count = raw_count.unsigned_abs() as usize;
    if count > data.len() {
        return Err(r.err("atom count too large"));
    }
    let mut atoms = Vec::with_capacity(count);
    for _ in 0..count {
        let len = if long {
            match r.tag_value()? {
                (_, compact::Value::Small(n)) if n >= 0 => n as usize,
                _ => return Err(r.err("bad atom length")),
            }
        } else {
            r.byte()? as usize
        };
        let bytes = r.take(len)?;
        let text = std::str::from_utf8(bytes).map_err(|_| r.err("atom is not UTF-8"))?;
        atoms.push(atom::intern(text).map_err(|e| r.err(format!("atom: {e:?}")))?);
    }
    Ok(atoms)
}

fn atom_at(atoms: &[Atom], i: u32, chunk: &'static str) -> Result<Atom, LoadError> {
    if i == 0 {
        return Err(chunk_err(chunk, "atom index 0"));
    }
    atoms
        .get(i as usize - 1)
        .copied()
        .ok_or_else(|| chunk_err(chunk, format!("atom index {i} out of range")))
}

/// [`atom_at`] for the names OTP's loader takes atom 0 for (an import's module or function,
/// a lambda's name: its entry then names a non-value): atom 0 is `''` here (no module or
/// function has that name, so a call raises `undef`).
fn atom_or_empty(atoms: &[Atom], i: u32, chunk: &'static str) -> Result<Atom, LoadError> {
    match i {
        0 => Ok(crate::atom::EMPTY),
        i => atom_at(atoms, i, chunk),
    }
}

fn read_funcs(
    data: Option<&[u8]>,
    name: &'static str,
    atoms: &[Atom],
) -> Result<Vec<FuncRef>, LoadError> {
    let Some(data) = data else {
        return Ok(Vec::new());
    };
    let mut r = Reader::new(data, name);
    let n = r.u32()? as usize;
    if n.saturating_mul(12) > data.len() {
        return Err(r.err("count too large"));
    }
    (0..n)
        .map(|_| {
            let f = atom_at(atoms, r.u32()?, name)?;
            let arity = r.u32()?;
            let label = r.u32()?;
            if arity > 255 {
                return Err(r.err("arity above 255"));
            }
            Ok(FuncRef {
                function: f,
                arity,
                label,
            })
        })
        .collect()
}

/// Inflates the literal table's zlib stream as OTP's loader does (`erl_zlib_uncompress`
/// into a buffer of the announced size): the stream must end, its checksum right, within
/// `size` bytes of output; fewer bytes are fine. OTP gives zlib the chunk's length from after
/// the size field, so the stream may take up to 4 bytes from beyond the chunk: `after`.
fn inflate_literals(data: &[u8], after: &[u8], size: usize) -> Option<Vec<u8>> {
    use flate2::{Decompress, FlushDecompress, Status};
    let input: Vec<u8> = data.iter().chain(after.iter().take(4)).copied().collect();
    let mut z = Decompress::new(true);
    let mut out = Vec::with_capacity((size + 1).min(1 << 24));
    loop {
        let before = (z.total_in(), out.len());
        // One byte more than announced is room enough to see that the stream gives too much.
        out.reserve((size + 1 - out.len()).min(1 << 16));
        let rest = &input[z.total_in() as usize..];
        let status = z
            .decompress_vec(rest, &mut out, FlushDecompress::Finish)
            .ok()?;
        if out.len() > size {
            return None;
        }
        if status == Status::StreamEnd {
            return Some(out);
        }
        if (z.total_in(), out.len()) == before {
            return None;
        }
    }
}

fn read_literals(data: &[u8], after: &[u8], heap: &mut Heap) -> Result<Vec<Term>, LoadError> {
    let err = |d: &str| chunk_err("LitT", d.to_string());
    if data.len() < 4 {
        return Err(err("too short"));
    }
    let size = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
    if size > 1 << 30 {
        return Err(err("uncompressed size too large"));
    }
    let raw = inflate_literals(&data[4..], after, size).ok_or_else(|| err("bad zlib data"))?;
    let mut r = Reader::new(&raw, "LitT");
    let n = r.u32()? as usize;
    if n.saturating_mul(4) > raw.len() {
        return Err(err("literal count too large"));
    }
    let mut lits = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.u32()? as usize;
        let bytes = r.take(len)?;
        let t =
            etf::decode_literal(heap, bytes).map_err(|e| err(&format!("bad literal: {e:?}")))?;
        lits.push(t);
    }
    Ok(lits)
}

/// OTP 25's preloaded modules (`erts/preloaded`).
fn is_preloaded(name: &str) -> bool {
    matches!(
        name,
        "erlang"
            | "erts_internal"
            | "erts_code_purger"
            | "erl_init"
            | "init"
            | "prim_buffer"
            | "prim_eval"
            | "prim_inet"
            | "prim_file"
            | "zlib"
            | "prim_zip"
            | "erl_prim_loader"
            | "prim_net"
            | "prim_socket"
            | "socket_registry"
            | "erl_tracer"
            | "erts_literal_area_collector"
            | "erts_dirty_process_signal_handler"
            | "atomics"
            | "counters"
            | "persistent_term"
    )
}

/// Checks the `Type` chunk as OTP 25 reads it (version 1: a count of at least one, then
/// 18-byte entries: a 16-bit type union that is not empty, and a 64-bit minimum and maximum;
/// the first entry is "any" (the 13 type bits) with no range). Another version is ignored. The number of types
/// that typed registers may name (`None`: any, the table being absent or ignored).
fn read_types(data: Option<&[u8]>) -> Result<Option<u32>, LoadError> {
    let Some(data) = data else {
        return Ok(None);
    };
    let mut r = Reader::new(data, "Type");
    if r.u32()? != 1 {
        return Ok(None);
    }
    let count = r.u32()? as i32;
    if count < 1 || count as usize > data.len() / 18 {
        return Err(r.err("bad type count"));
    }
    for i in 0..count {
        let e = r.take(18)?;
        let union = u16::from_be_bytes([e[0], e[1]]);
        if union == 0 {
            return Err(r.err("bad type"));
        }
        let min = i64::from_be_bytes(e[2..10].try_into().unwrap_or_default());
        let max = i64::from_be_bytes(e[10..18].try_into().unwrap_or_default());
        if i == 0 && (union != 0x1FFF || min <= max) {
            return Err(r.err("the first type is not \"any\""));
        }
    }
    Ok(Some(count as u32))
}

/// The `Line` chunk: its items (item 0 the unknown location), its file names, and the number
/// of `line` instructions its header announces (0 without a table OTP reads).
fn read_lines(
    data: Option<&[u8]>,
    module: Atom,
) -> Result<(Vec<LineItem>, Vec<String>, u32), LoadError> {
    let default_file = format!("{}.erl", module.name());
    let mut items = vec![LineItem { file: 0, line: 0 }];
    let Some(data) = data else {
        return Ok((items, vec![default_file], 0));
    };
    let mut r = Reader::new(data, "Line");
    // OTP ignores a line table of another version.
    if r.u32()? != 0 {
        return Ok((items, vec![default_file], 0));
    }
    let _flags = r.u32()?;
    let num_instrs = r.u32()?;
    let num_items = r.u32()? as usize;
    let num_names = r.u32()? as usize;
    if num_items > data.len() || num_names > data.len() {
        return Err(r.err("counts too large"));
    }
    let mut file = 0u32;
    while items.len() < num_items + 1 {
        match r.tag_value()? {
            (compact::TAG_I, compact::Value::Small(l)) if l >= 0 => items.push(LineItem {
                file,
                line: l.min(u32::MAX as i64) as u32,
            }),
            // OTP's bound is one past its table (it counts the module's own name in and
            // still compares with `<=`); a location naming that file has no file here.
            (compact::TAG_A, compact::Value::Small(f))
                if f >= 0 && (f as usize) <= num_names + 1 =>
            {
                file = f as u32;
            }
            _ => return Err(r.err("bad line item")),
        }
    }
    let mut files = vec![default_file];
    for _ in 0..num_names {
        let len = r.u16()? as usize;
        if len > i16::MAX as usize {
            return Err(r.err("negative file name length"));
        }
        let b = r.take(len)?;
        let name = std::str::from_utf8(b).map_err(|_| r.err("file name is not UTF-8"))?;
        // An empty name stands for the module's own source file, as in OTP.
        files.push(if name.is_empty() {
            files[0].clone()
        } else {
            name.to_owned()
        });
    }
    // With names present, file index 0 still means the module's own source; names are 1-based.
    Ok((items, files, num_instrs))
}

/// Reads the `Code` chunk's header: the label and function counts, and the instructions'
/// bytes (decoded later, one instruction at a time, by [`CodeReader`]).
fn read_code_header(data: &[u8]) -> Result<(Vec<u8>, u32, u32), LoadError> {
    let mut r = Reader::new(data, "Code");
    let header_size = r.u32()? as usize;
    let header = r.take(header_size)?;
    if header_size < 16 {
        return Err(chunk_err("Code", "header too short"));
    }
    let word =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let instruction_set = word(0);
    let max_opcode = word(4);
    let label_count = word(8);
    let function_count = word(12);
    if instruction_set != 0 {
        return Err(chunk_err(
            "Code",
            format!("instruction set {instruction_set}"),
        ));
    }
    // Compared as OTP does, as a signed number: a "negative" maximum passes.
    if max_opcode as i32 > genop::MAX_OPCODE as i32 {
        return Err(chunk_err(
            "Code",
            format!("max opcode {max_opcode} is newer than OTP 25's"),
        ));
    }
    // OTP allocates a table of this many labels (and loads a module that claims millions
    // more than it defines); a count beyond 16M (128 MB of label table here) is refused
    // rather than allocated.
    if label_count as usize > data.len().max(1 << 24) {
        return Err(chunk_err("Code", "label count too large"));
    }
    Ok((data[r.position()..].to_vec(), label_count, function_count))
}

/// Decodes a module's generic instructions one at a time, into one reused [`GenOp`], so
/// that the loader translates each as it is read (no list of them all in memory).
pub struct CodeReader<'a> {
    r: Reader<'a>,
    functions: u32,
    ended: bool,
}

impl<'a> CodeReader<'a> {
    /// A reader of the instructions `code` (a file's `BeamFile::code`, taken out of the
    /// file so that the file's tables can be lent to each [`next`](Self::next) call).
    pub fn new(code: &'a [u8]) -> CodeReader<'a> {
        CodeReader {
            r: Reader::new(code, "Code"),
            functions: 0,
            ended: false,
        }
    }

    /// Reads the next instruction into `out`; `false` after `int_code_end` (as OTP's
    /// loader, which stops there: what follows is ignored).
    pub fn next(
        &mut self,
        cx: &mut OperandCtx,
        module: Atom,
        out: &mut GenOp,
    ) -> Result<bool, LoadError> {
        if self.ended || self.r.at_end() {
            return Ok(false);
        }
        let op = self.r.byte()?;
        let info = genop::info(op).ok_or_else(|| LoadError::UnknownOpcode {
            module: module.name().to_string(),
            opcode: op,
        })?;
        out.op = op;
        out.args.clear();
        for k in 0..info.arity {
            let o = compact::operand(&mut self.r, cx)?;
            // OTP's code reader takes a list only as an instruction's last operand.
            if matches!(o, Operand::List(_)) && k + 1 != info.arity {
                return Err(LoadError::BadInstruction {
                    module: module.name().to_string(),
                    name: info.name,
                    detail: "a list operand before the last".into(),
                });
            }
            out.args.push(o);
        }
        match op {
            2 => self.functions += 1, // func_info
            3 => self.ended = true,   // int_code_end
            _ => {}
        }
        Ok(true)
    }

    /// Checks what can only be checked at the end: the code reached `int_code_end` (OTP's
    /// loader refuses code that stops before it) and the header's function count is the
    /// number of `func_info`s (as OTP's loader).
    pub fn finish(&self, function_count: u32) -> Result<(), LoadError> {
        if !self.ended {
            return Err(chunk_err("Code", "no int_code_end"));
        }
        if self.functions != function_count {
            return Err(chunk_err(
                "Code",
                format!(
                    "{} functions in module (header said {function_count})",
                    self.functions
                ),
            ));
        }
        Ok(())
    }
}

impl BeamFile {
    /// All the generic instructions, decoded (for tools; the loader reads them one at a time
    /// with [`CodeReader`]).
    pub fn decode_code(&mut self) -> Result<Vec<GenOp>, LoadError> {
        let code = std::mem::take(&mut self.code);
        let mut rd = CodeReader::new(&code);
        let mut cx = OperandCtx {
            atoms: &self.atoms,
            literals: &self.literals,
            type_count: self.type_count,
            label_count: self.label_count,
            heap: &mut self.literal_heap,
        };
        let mut out = Vec::new();
        let mut g = GenOp {
            op: 0,
            args: smallvec::SmallVec::new(),
        };
        let read = loop {
            match rd.next(&mut cx, self.module, &mut g) {
                Ok(true) => out.push(g.clone()),
                Ok(false) => break rd.finish(self.function_count),
                Err(e) => break Err(e),
            }
        };
        self.code = code;
        read.map(|()| out)
    }
}

/// Parses a `.beam` file.
pub fn parse(bytes: &[u8]) -> Result<BeamFile, LoadError> {
    let chunks = container(bytes)?;
    let atoms = read_atoms(&chunks)?;
    let module = *atoms
        .first()
        .ok_or_else(|| chunk_err("AtU8", "no module name"))?;
    let mut literal_heap = Heap::with_capacity(0);
    let literals = match chunks.get_with_after(b"LitT") {
        Some((d, after)) => read_literals(d, after, &mut literal_heap)?,
        None => Vec::new(),
    };
    let imports = match chunks.get(b"ImpT") {
        None => Vec::new(),
        Some(d) => {
            let mut r = Reader::new(d, "ImpT");
            let n = r.u32()? as usize;
            if n.saturating_mul(12) > d.len() {
                return Err(r.err("count too large"));
            }
            (0..n)
                .map(|_| {
                    let m = atom_or_empty(&atoms, r.u32()?, "ImpT")?;
                    let f = atom_or_empty(&atoms, r.u32()?, "ImpT")?;
                    let a = r.u32()?;
                    if a > 255 {
                        return Err(r.err("arity above 255"));
                    }
                    Ok(Import {
                        module: m,
                        function: f,
                        arity: a,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    if chunks.get(b"ImpT").is_none() {
        return Err(LoadError::MissingChunk("ImpT"));
    }
    if chunks.get(b"ExpT").is_none() {
        return Err(LoadError::MissingChunk("ExpT"));
    }
    let exports = read_funcs(chunks.get(b"ExpT"), "ExpT", &atoms)?;
    // OTP's emulator never reads `LocT` (only its JIT's assembly dump does): a damaged one is
    // ignored.
    let locals = read_funcs(chunks.get(b"LocT"), "LocT", &atoms).unwrap_or_default();
    let type_count = read_types(chunks.get(b"Type"))?;
    let lambdas = match chunks.get(b"FunT") {
        None => Vec::new(),
        Some(d) => {
            let mut r = Reader::new(d, "FunT");
            let n = r.u32()? as usize;
            // OTP reads the chunk as whole 24-byte entries after the count.
            if n.saturating_mul(24) > d.len() || (d.len() - 4) % 24 != 0 {
                return Err(r.err("count too large"));
            }
            (0..n)
                .map(|_| {
                    let function = atom_or_empty(&atoms, r.u32()?, "FunT")?;
                    let arity = r.u32()?;
                    let label = r.u32()?;
                    let index = r.u32()?;
                    let num_free = r.u32()?;
                    let old_uniq = r.u32()?;
                    // OTP's loader takes any arity and any number of free variables here
                    // (a fun of more than 255 arguments can be made, but no call has that
                    // many: it raises `badarity`); the free variables are bounded where a
                    // fun is made (`make_fun2`/`make_fun3`).
                    Ok(Lambda {
                        function,
                        arity,
                        label,
                        index,
                        num_free,
                        old_uniq,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    let strings = chunks.get(b"StrT").unwrap_or(&[]).to_vec();
    // OTP's preloaded modules are built into the emulator without line information, so
    // their stack frames carry no location; keep it that way for identical traces.
    let line_chunk = if is_preloaded(module.name()) {
        None
    } else {
        chunks.get(b"Line")
    };
    let has_line_table = line_chunk.is_some_and(|d| d.len() >= 4 && d[..4] == [0, 0, 0, 0]);
    let (line_items, files, line_instrs) = read_lines(line_chunk, module)?;
    let decode_opt = |id: &[u8; 4], heap: &mut Heap| -> Result<Term, LoadError> {
        match chunks.get(id) {
            None => Ok(Term::NIL),
            Some(d) => match etf::decode_literal(heap, d) {
                Ok(t) => Ok(t),
                // OTP's loader only walks these chunks' structure: one that passes the walk
                // but does not decode loads, and asking for it fails (`badarg`) later.
                Err(_) if etf::size_pass::accepts(d) => Ok(Term::NONE),
                Err(e) => Err(LoadError::BadChunk {
                    chunk: if id == b"Attr" { "Attr" } else { "CInf" },
                    detail: format!("{e:?}"),
                }),
            },
        }
    };
    let attributes = decode_opt(b"Attr", &mut literal_heap)?;
    let compile_info = decode_opt(b"CInf", &mut literal_heap)?;
    let code_chunk = chunks.get(b"Code").ok_or(LoadError::MissingChunk("Code"))?;
    let (code, label_count, function_count) = read_code_header(code_chunk)?;
    let md5 = module_md5(&chunks);
    Ok(BeamFile {
        module,
        atoms,
        imports,
        exports,
        locals,
        lambdas,
        literals,
        literal_heap,
        strings,
        line_items,
        has_line_table,
        line_instrs,
        files,
        attributes,
        compile_info,
        md5,
        label_count,
        function_count,
        type_count,
        code,
    })
}

/// The contents of chunk `id` of the `.beam` file `bytes` (`erts_internal:beamfile_chunk/2`):
/// `None` when the file has no such chunk.
pub fn chunk<'a>(bytes: &'a [u8], id: &[u8; 4]) -> Result<Option<&'a [u8]>, LoadError> {
    Ok(container(bytes)?.get(id))
}

/// The module MD5 of the `.beam` file `bytes` (`erts_internal:beamfile_module_md5/1`).
pub fn md5_of(bytes: &[u8]) -> Result<[u8; 16], LoadError> {
    Ok(module_md5(&container(bytes)?))
}

fn module_md5(chunks: &Chunks) -> [u8; 16] {
    let mut h = Md5::new();
    for id in [
        b"AtU8", b"Code", b"StrT", b"ImpT", b"ExpT", b"FunT", b"LitT", b"Meta",
    ] {
        if let Some(d) = chunks.get(id) {
            if id == b"FunT" && d.len() >= 4 {
                let mut v = d.to_vec();
                let n = u32::from_be_bytes([v[0], v[1], v[2], v[3]]) as usize;
                for i in 0..n {
                    let off = 4 + i * 24 + 20;
                    if off + 4 <= v.len() {
                        v[off..off + 4].fill(0);
                    }
                }
                h.update(&v);
            } else {
                h.update(d);
            }
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn otp_ebin(app: &str) -> Option<std::path::PathBuf> {
        let lib = std::path::Path::new("/usr/lib/erlang/lib");
        std::fs::read_dir(lib)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{app}-")))
            })
            .map(|p| p.join("ebin"))
    }

    #[test]
    fn parses_otp_modules_and_rejects_damage() {
        let Some(dir) = otp_ebin("stdlib") else {
            return; // OTP not installed here; the differential suite covers loading.
        };
        let bytes = std::fs::read(dir.join("lists.beam")).unwrap();
        let f = parse(&bytes).unwrap();
        assert_eq!(f.module.name(), "lists");
        assert!(f
            .exports
            .iter()
            .any(|e| e.function.name() == "seq" && e.arity == 2));
        assert!(!f.code.is_empty());
        let mut f = f;
        assert!(f.decode_code().unwrap().len() > 1000);
        // Truncations and bit flips never panic.
        let mut seed = 12345u64;
        for i in 0..400 {
            let mut b = bytes.clone();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if i % 2 == 0 {
                b.truncate((seed >> 33) as usize % bytes.len());
            } else {
                for _ in 0..4 {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let at = (seed >> 33) as usize % b.len();
                    b[at] ^= 1 << (seed % 8);
                }
            }
            if let Ok(f) = parse(&b) {
                let _ = super::super::transform::transform(f);
            }
        }
    }

    /// The literal table's stream as OTP 25 takes it (checked against `erl` by hand): it must
    /// end with its checksum right, within the announced size (fewer bytes are fine), and it
    /// may take its last bytes from the 4 after the chunk.
    #[test]
    fn literal_stream_as_otp_takes_it() {
        use flate2::{write::ZlibEncoder, Compression};
        use std::io::Write;
        let raw: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(&raw).unwrap();
        let z = e.finish().unwrap();
        let n = raw.len();
        assert_eq!(inflate_literals(&z, &[], n).as_deref(), Some(&raw[..]));
        assert_eq!(inflate_literals(&z, &[], n + 10).as_deref(), Some(&raw[..]));
        assert!(
            inflate_literals(&z, &[], n - 1).is_none(),
            "more than announced"
        );
        assert!(inflate_literals(&z, &[], 0).is_none());
        let cut = &z[..z.len() - 1];
        assert!(inflate_literals(cut, &[], n).is_none(), "checksum cut");
        assert!(
            inflate_literals(cut, &[0], n).is_none(),
            "wrong checksum byte"
        );
        let last = &z[z.len() - 1..];
        assert!(
            inflate_literals(cut, last, n).is_some(),
            "checksum byte after the chunk"
        );
        let mut flipped = z.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(inflate_literals(&flipped, &[], n).is_none(), "bad checksum");
        let mut extra = z.clone();
        extra.extend_from_slice(&[1, 2, 3]);
        assert!(
            inflate_literals(&extra, &[], n).is_some(),
            "bytes after the stream"
        );
    }
}
