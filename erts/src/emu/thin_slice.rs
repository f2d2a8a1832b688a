//! [`ThinSlice`]: an owned, immutable-length slice behind a one-word pointer.
//!
//! `Box<[T]>` is two words (pointer and length). Instruction operands such as a
//! `select_val` table or a `put_map_assoc` pair list are read rarely compared with how often
//! the instruction itself is stepped over, so the length moves into the allocation (a header
//! word before the items) and the instruction keeps one word: that is what keeps
//! [`Instr`](super::instr::Instr) at 32 bytes.

use std::alloc::{self, Layout};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// An owned `[T]` whose length is stored in the allocation (one word in its owner).
pub struct ThinSlice<T> {
    /// The header (the length, a `usize`), then the items at [`Self::items_offset`].
    ptr: NonNull<usize>,
    owns: PhantomData<T>,
}

// SAFETY: a `ThinSlice<T>` owns its items as a `Box<[T]>` does, so it may move to or be
// shared with another thread exactly when `T` may.
unsafe impl<T: Send> Send for ThinSlice<T> {}
// SAFETY: as above; shared access only hands out `&[T]`.
unsafe impl<T: Sync> Sync for ThinSlice<T> {}

impl<T> ThinSlice<T> {
    /// Where the items start: the header rounded up to the items' alignment.
    const fn items_offset() -> usize {
        let h = std::mem::size_of::<usize>();
        let a = std::mem::align_of::<T>();
        h.div_ceil(a) * a
    }

    /// The allocation for `len` items.
    fn layout(len: usize) -> Layout {
        let align = std::mem::align_of::<usize>().max(std::mem::align_of::<T>());
        let items = std::mem::size_of::<T>()
            .checked_mul(len)
            .and_then(|b| b.checked_add(Self::items_offset()))
            .expect("ThinSlice: size overflow");
        Layout::from_size_align(items, align).expect("ThinSlice: layout")
    }

    fn items_ptr(&self) -> *mut T {
        // SAFETY: the allocation is at least `items_offset` bytes long (see `layout`).
        unsafe { (self.ptr.as_ptr() as *mut u8).add(Self::items_offset()) as *mut T }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        // SAFETY: the header is written before a `ThinSlice` is handed out, never changed.
        unsafe { *self.ptr.as_ptr() }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> From<Vec<T>> for ThinSlice<T> {
    fn from(mut v: Vec<T>) -> Self {
        let len = v.len();
        let layout = Self::layout(len);
        // SAFETY: `layout` has a non-zero size (it holds the header word).
        let raw = unsafe { alloc::alloc(layout) } as *mut usize;
        let Some(ptr) = NonNull::new(raw) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: `raw` is a fresh allocation aligned for `usize` and large enough for the
        // header and `len` items; the items are moved out of `v`, whose buffer is then
        // freed without dropping them (its length set to 0 first).
        unsafe {
            raw.write(len);
            let items = (raw as *mut u8).add(Self::items_offset()) as *mut T;
            std::ptr::copy_nonoverlapping(v.as_ptr(), items, len);
            v.set_len(0);
        }
        ThinSlice {
            ptr,
            owns: PhantomData,
        }
    }
}

impl<T> From<Box<[T]>> for ThinSlice<T> {
    fn from(b: Box<[T]>) -> Self {
        Self::from(b.into_vec())
    }
}

impl<T> FromIterator<T> for ThinSlice<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> Deref for ThinSlice<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `len` initialised items start at `items_ptr`, owned by `self`.
        unsafe { std::slice::from_raw_parts(self.items_ptr(), self.len()) }
    }
}

impl<T> DerefMut for ThinSlice<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.items_ptr(), self.len()) }
    }
}

impl<T> Drop for ThinSlice<T> {
    fn drop(&mut self) {
        let len = self.len();
        // SAFETY: the items are initialised and dropped once, here; then the allocation made
        // in `from` with the same layout is freed.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(self.items_ptr(), len));
            alloc::dealloc(self.ptr.as_ptr() as *mut u8, Self::layout(len));
        }
    }
}

impl<T: Clone> Clone for ThinSlice<T> {
    fn clone(&self) -> Self {
        Self::from(self.to_vec())
    }
}

impl<T: fmt::Debug> fmt::Debug for ThinSlice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: PartialEq> PartialEq for ThinSlice<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::ThinSlice;
    use std::rc::Rc;

    #[test]
    fn holds_items_in_one_word() {
        assert_eq!(std::mem::size_of::<ThinSlice<(u64, u64)>>(), 8);
        let s: ThinSlice<(u64, usize)> = vec![(1, 2), (3, 4)].into();
        assert_eq!(s.len(), 2);
        assert_eq!(&*s, &[(1, 2), (3, 4)]);
        let e: ThinSlice<u32> = Vec::new().into();
        assert!(e.is_empty());
        let bytes: ThinSlice<u8> = b"abc".to_vec().into();
        assert_eq!(&*bytes, b"abc");
        assert_eq!(bytes.clone(), bytes);
    }

    #[test]
    fn drops_each_item_once() {
        let rc = Rc::new(());
        let s: ThinSlice<Rc<()>> = (0..3).map(|_| rc.clone()).collect();
        let t = s.clone();
        assert_eq!(Rc::strong_count(&rc), 7);
        drop(s);
        assert_eq!(Rc::strong_count(&rc), 4);
        let mut t = t;
        t[0] = rc.clone();
        assert_eq!(Rc::strong_count(&rc), 4);
        drop(t);
        assert_eq!(Rc::strong_count(&rc), 1);
    }
}
