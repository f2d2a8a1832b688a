//! OTP 25's generic opcodes (`genop.tab`): number, name, operand count, and whether OTP 25's
//! loader still accepts the instruction (it accepts the binary construction instructions of
//! OTP 23/24 compilers, `bs_init2`, `bs_put_*`, `bs_append`, ..., and `recv_mark`/`recv_set`). The table is indexed by opcode number.

/// Facts about one generic opcode.
#[derive(Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub arity: u8,
    /// Refused by OTP 25's loader (and so by this one).
    pub obsolete: bool,
}

/// The highest opcode number OTP 25 defines.
pub const MAX_OPCODE: u8 = 180;

macro_rules! table {
    ($(($name:literal, $arity:literal, $obs:literal),)*) => {
        static TABLE: &[OpInfo] = &[$(OpInfo { name: $name, arity: $arity, obsolete: $obs },)*];
    };
}

table! {
    ("label", 1, false),
    ("func_info", 3, false),
    ("int_code_end", 0, false),
    ("call", 2, false),
    ("call_last", 3, false),
    ("call_only", 2, false),
    ("call_ext", 2, false),
    ("call_ext_last", 3, false),
    ("bif0", 2, false),
    ("bif1", 4, false),
    ("bif2", 5, false),
    ("allocate", 2, false),
    ("allocate_heap", 3, false),
    ("allocate_zero", 2, false),
    ("allocate_heap_zero", 3, false),
    ("test_heap", 2, false),
    ("init", 1, false),
    ("deallocate", 1, false),
    ("return", 0, false),
    ("send", 0, false),
    ("remove_message", 0, false),
    ("timeout", 0, false),
    ("loop_rec", 2, false),
    ("loop_rec_end", 1, false),
    ("wait", 1, false),
    ("wait_timeout", 2, false),
    ("m_plus", 4, true),
    ("m_minus", 4, true),
    ("m_times", 4, true),
    ("m_div", 4, true),
    ("int_div", 4, true),
    ("int_rem", 4, true),
    ("int_band", 4, true),
    ("int_bor", 4, true),
    ("int_bxor", 4, true),
    ("int_bsl", 4, true),
    ("int_bsr", 4, true),
    ("int_bnot", 3, true),
    ("is_lt", 3, false),
    ("is_ge", 3, false),
    ("is_eq", 3, false),
    ("is_ne", 3, false),
    ("is_eq_exact", 3, false),
    ("is_ne_exact", 3, false),
    ("is_integer", 2, false),
    ("is_float", 2, false),
    ("is_number", 2, false),
    ("is_atom", 2, false),
    ("is_pid", 2, false),
    ("is_reference", 2, false),
    ("is_port", 2, false),
    ("is_nil", 2, false),
    ("is_binary", 2, false),
    ("is_constant", 2, true),
    ("is_list", 2, false),
    ("is_nonempty_list", 2, false),
    ("is_tuple", 2, false),
    ("test_arity", 3, false),
    ("select_val", 3, false),
    ("select_tuple_arity", 3, false),
    ("jump", 1, false),
    ("catch", 2, false),
    ("catch_end", 1, false),
    ("move", 2, false),
    ("get_list", 3, false),
    ("get_tuple_element", 3, false),
    ("set_tuple_element", 3, false),
    ("put_string", 3, true),
    ("put_list", 3, false),
    ("put_tuple", 2, true),
    ("put", 1, true),
    ("badmatch", 1, false),
    ("if_end", 0, false),
    ("case_end", 1, false),
    ("call_fun", 1, false),
    ("make_fun", 3, true),
    ("is_function", 2, false),
    ("call_ext_only", 2, false),
    ("bs_start_match", 2, true),
    ("bs_get_integer", 5, true),
    ("bs_get_float", 5, true),
    ("bs_get_binary", 5, true),
    ("bs_skip_bits", 4, true),
    ("bs_test_tail", 2, true),
    ("bs_save", 1, true),
    ("bs_restore", 1, true),
    ("bs_init", 2, true),
    ("bs_final", 2, true),
    ("bs_put_integer", 5, false),
    ("bs_put_binary", 5, false),
    ("bs_put_float", 5, false),
    ("bs_put_string", 2, false),
    ("bs_need_buf", 1, true),
    ("fclearerror", 0, false),
    ("fcheckerror", 1, false),
    ("fmove", 2, false),
    ("fconv", 2, false),
    ("fadd", 4, false),
    ("fsub", 4, false),
    ("fmul", 4, false),
    ("fdiv", 4, false),
    ("fnegate", 3, false),
    ("make_fun2", 1, false),
    ("try", 2, false),
    ("try_end", 1, false),
    ("try_case", 1, false),
    ("try_case_end", 1, false),
    ("raise", 2, false),
    ("bs_init2", 6, false),
    ("bs_bits_to_bytes", 3, true),
    ("bs_add", 5, false),
    ("apply", 1, false),
    ("apply_last", 2, false),
    ("is_boolean", 2, false),
    ("is_function2", 3, false),
    ("bs_start_match2", 5, true),
    ("bs_get_integer2", 7, false),
    ("bs_get_float2", 7, false),
    ("bs_get_binary2", 7, false),
    ("bs_skip_bits2", 5, false),
    ("bs_test_tail2", 3, false),
    ("bs_save2", 2, true),
    ("bs_restore2", 2, true),
    ("gc_bif1", 5, false),
    ("gc_bif2", 6, false),
    ("bs_final2", 2, true),
    ("bs_bits_to_bytes2", 2, true),
    ("put_literal", 2, true),
    ("is_bitstr", 2, false),
    ("bs_context_to_binary", 1, true),
    ("bs_test_unit", 3, false),
    ("bs_match_string", 4, false),
    ("bs_init_writable", 0, false),
    ("bs_append", 8, false),
    ("bs_private_append", 6, false),
    ("trim", 2, false),
    ("bs_init_bits", 6, false),
    ("bs_get_utf8", 5, false),
    ("bs_skip_utf8", 4, false),
    ("bs_get_utf16", 5, false),
    ("bs_skip_utf16", 4, false),
    ("bs_get_utf32", 5, false),
    ("bs_skip_utf32", 4, false),
    ("bs_utf8_size", 3, false),
    ("bs_put_utf8", 3, false),
    ("bs_utf16_size", 3, false),
    ("bs_put_utf16", 3, false),
    ("bs_put_utf32", 3, false),
    ("on_load", 0, false),
    ("recv_mark", 1, false),
    ("recv_set", 1, false),
    ("gc_bif3", 7, false),
    ("line", 1, false),
    ("put_map_assoc", 5, false),
    ("put_map_exact", 5, false),
    ("is_map", 2, false),
    ("has_map_fields", 3, false),
    ("get_map_elements", 3, false),
    ("is_tagged_tuple", 4, false),
    ("build_stacktrace", 0, false),
    ("raw_raise", 0, false),
    ("get_hd", 2, false),
    ("get_tl", 2, false),
    ("put_tuple2", 2, false),
    ("bs_get_tail", 3, false),
    ("bs_start_match3", 4, false),
    ("bs_get_position", 3, false),
    ("bs_set_position", 2, false),
    ("swap", 2, false),
    ("bs_start_match4", 4, false),
    ("make_fun3", 3, false),
    ("init_yregs", 1, false),
    ("recv_marker_bind", 2, false),
    ("recv_marker_clear", 1, false),
    ("recv_marker_reserve", 1, false),
    ("recv_marker_use", 1, false),
    ("bs_create_bin", 6, false),
    ("call_fun2", 3, false),
    ("nif_start", 0, false),
    ("badrecord", 1, false),
}

/// Facts about opcode `op`, or `None` if OTP 25 does not define it.
pub fn info(op: u8) -> Option<&'static OpInfo> {
    if op == 0 {
        return None;
    }
    TABLE.get(op as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_opcodes() {
        assert_eq!(TABLE.len(), MAX_OPCODE as usize);
        assert_eq!(info(64).unwrap().name, "move");
        assert_eq!(info(177).unwrap().name, "bs_create_bin");
        assert_eq!(info(177).unwrap().arity, 6);
        assert!(info(0).is_none() && info(181).is_none());
        assert!(info(87).unwrap().obsolete);
        assert!(!info(109).unwrap().obsolete && !info(111).unwrap().obsolete);
    }
}
