//! The canonical spelling of C and Rust types that the ABI layout tests compare
//! (`ports/tests/driver_abi_layout.rs` for `erl_driver.h`, `nif-api/tests/nif_abi_layout.rs`
//! for `erl_nif.h`, which includes this file): bindgen's output with aliases resolved and
//! struct names mapped to their Rust mirrors, and `type_name` output with paths dropped.

use quote::ToTokens;
use std::any::type_name;
use std::collections::BTreeMap;
use std::ffi::{c_char, c_double, c_float, c_int, c_long, c_longlong, c_schar, c_short, c_uchar};
use std::ffi::{c_uint, c_ulong, c_ulonglong, c_ushort};

pub fn path_ident(t: &syn::Type) -> Option<String> {
    match t {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Short primitive names: `c_int` and `i32` both become `i32`; `usize`/`isize` become the
/// fixed-width integer of the pointer width (C's `size_t` is `unsigned long` on LP64).
pub fn primitive(id: &str) -> Option<String> {
    pub fn short<T>() -> String {
        type_name::<T>().rsplit("::").next().unwrap().to_string()
    }
    Some(match id {
        "c_char" => short::<c_char>(),
        "c_schar" => short::<c_schar>(),
        "c_uchar" => short::<c_uchar>(),
        "c_short" => short::<c_short>(),
        "c_ushort" => short::<c_ushort>(),
        "c_int" => short::<c_int>(),
        "c_uint" => short::<c_uint>(),
        "c_long" => short::<c_long>(),
        "c_ulong" => short::<c_ulong>(),
        "c_longlong" => short::<c_longlong>(),
        "c_ulonglong" => short::<c_ulonglong>(),
        "c_float" => short::<c_float>(),
        "c_double" => short::<c_double>(),
        "usize" => format!("u{}", usize::BITS),
        "isize" => format!("i{}", isize::BITS),
        _ => return None,
    })
}

/// Writes a type in one canonical form, for C (bindgen: aliases resolved, struct names mapped
/// to their Rust mirrors, parameter names dropped) and Rust (`type_name`: paths dropped).
pub struct Canon<'a> {
    pub aliases: Option<&'a BTreeMap<String, syn::Type>>,
    pub struct_names: BTreeMap<String, String>,
}

impl Canon<'_> {
    pub fn rust() -> Canon<'static> {
        Canon {
            aliases: None,
            struct_names: BTreeMap::new(),
        }
    }

    pub fn canon_str(&self, rust_type: &str) -> String {
        match syn::parse_str::<syn::Type>(rust_type) {
            Ok(t) => self.canon(&t),
            Err(_) => rust_type.to_string(),
        }
    }

    pub fn canon(&self, t: &syn::Type) -> String {
        match t {
            syn::Type::Path(p) => {
                let seg = p.path.segments.last().unwrap();
                let id = seg.ident.to_string();
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    let inner: Vec<String> = args
                        .args
                        .iter()
                        .map(|a| match a {
                            syn::GenericArgument::Type(t) => self.canon(t),
                            other => other.to_token_stream().to_string(),
                        })
                        .collect();
                    return format!("{id}<{}>", inner.join(", "));
                }
                if let Some(p) = primitive(&id) {
                    return p;
                }
                if let Some(target) = self.aliases.and_then(|a| a.get(&id)) {
                    return self.canon(target);
                }
                self.struct_names.get(&id).cloned().unwrap_or(id)
            }
            syn::Type::Ptr(p) => {
                let m = if p.mutability.is_some() {
                    "mut"
                } else {
                    "const"
                };
                format!("*{m} {}", self.canon(&p.elem))
            }
            syn::Type::Array(a) => {
                let len = int_lit(&a.len)
                    .map_or_else(|| a.len.to_token_stream().to_string(), |n| n.to_string());
                format!("[{}; {len}]", self.canon(&a.elem))
            }
            syn::Type::BareFn(f) => {
                let args: Vec<String> = f.inputs.iter().map(|a| self.canon(&a.ty)).collect();
                let abi = f
                    .abi
                    .as_ref()
                    .map(|a| {
                        format!(
                            "extern \"{}\" ",
                            a.name.as_ref().map_or("C".into(), |n| n.value())
                        )
                    })
                    .unwrap_or_default();
                let unsafety = if f.unsafety.is_some() { "unsafe " } else { "" };
                let dots = if f.variadic.is_some() { ", ..." } else { "" };
                format!(
                    "{unsafety}{abi}fn({}{dots}){}",
                    args.join(", "),
                    self.ret(&f.output)
                )
            }
            syn::Type::Tuple(t) if t.elems.is_empty() => "()".to_string(),
            syn::Type::Paren(p) => self.canon(&p.elem),
            syn::Type::Group(g) => self.canon(&g.elem),
            syn::Type::Never(_) => "!".to_string(),
            other => other.to_token_stream().to_string(),
        }
    }

    pub fn ret(&self, r: &syn::ReturnType) -> String {
        match r {
            syn::ReturnType::Default => String::new(),
            syn::ReturnType::Type(_, t) => match self.canon(t).as_str() {
                "()" => String::new(),
                s => format!(" -> {s}"),
            },
        }
    }

    pub fn signature(&self, sig: &syn::Signature) -> String {
        let args: Vec<String> = sig
            .inputs
            .iter()
            .map(|a| match a {
                syn::FnArg::Typed(pt) => self.canon(&pt.ty),
                syn::FnArg::Receiver(r) => r.to_token_stream().to_string(),
            })
            .collect();
        let dots = if sig.variadic.is_some() { ", ..." } else { "" };
        format!("fn({}{dots}){}", args.join(", "), self.ret(&sig.output))
    }
}

pub fn int_lit(e: &syn::Expr) -> Option<i128> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => int_lit(expr).map(|v| -v),
        syn::Expr::Paren(p) => int_lit(&p.expr),
        syn::Expr::Group(g) => int_lit(&g.expr),
        _ => None,
    }
}
