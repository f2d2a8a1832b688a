//! TEMPORARY placeholder replaced by the print branch.
use crate::term::boxed;
use crate::term::Term;
pub fn display_string(t: Term) -> String {
    if t.is_list() {
        let mut s = String::from("[");
        let mut c = t;
        let mut first = true;
        while c.is_list() {
            if !first {
                s.push(',');
            }
            first = false;
            s.push_str(&display_string(c.head()));
            c = c.tail();
        }
        if !c.is_nil() {
            s.push('|');
            s.push_str(&display_string(c));
        }
        s.push(']');
        return s;
    }
    if t.is_tuple() {
        let v: Vec<String> = boxed::tuple_elems(t)
            .iter()
            .map(|e| display_string(*e))
            .collect();
        return format!("{{{}}}", v.join(","));
    }
    if t.is_atom() {
        return t.atom_value().name().to_string();
    }
    if t.is_float() {
        return format!("{:e}", boxed::float_value(t));
    }
    if t.is_bignum() {
        return crate::bignum::to_bigint(t).unwrap().to_string();
    }
    if t.is_binary() {
        return format!("<<{:?}>>", boxed::binary_bytes(t).unwrap());
    }
    if t.is_map() {
        let v: Vec<String> = crate::map::iter_pairs(t)
            .iter()
            .map(|(k, v)| format!("{}=>{}", display_string(*k), display_string(*v)))
            .collect();
        return format!("#{{{}}}", v.join(","));
    }
    format!("{t:?}")
}

/// The bytes `erlang:display/1` prints for `t` (without the line end).
pub fn display_bytes(t: Term) -> Vec<u8> {
    display_string(t).into_bytes()
}
