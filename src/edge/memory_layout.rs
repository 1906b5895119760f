//! Where the module's writable statics fall in linear memory, chosen for a fresh instance.
//!
//! Every request runs in a fresh instance whose memory maps the module's data image
//! (`.rodata`, then `.data`) copy-on-write; `.bss`, which wasm-ld places right after
//! `.data`, and the heap after it are zero pages beyond the image's end. A request's first
//! accesses read and then write `.bss`: `_start`'s `started` flag at its start, the
//! allocator's state (wasi-libc's dlmalloc) at its end. While the image's last page holds
//! all of `.bss`, `_start`'s first write copies that page and the allocator finds it
//! mapped. When `.bss` runs past that page, the allocator's first read maps a zero page and
//! its first write replaces it: two page faults more on every request. Where `.data` ends
//! follows from the size of everything before it, so that happened in about one build in
//! five, whatever the change (bench/README.md, "What a cold request runs").
//!
//! One page-aligned, page-sized item in `.data` fixes it: what follows it in `.data` (at
//! least wasi-libc's own, linked after the crate) starts the next page, and `.bss` (under
//! 1 KB) ends in that page, inside the image. It costs the image 4-8 KB that no request
//! reads.

/// Page-sized and page-aligned; `u8` 1 so that it is `.data`, not zeroed `.bss`.
#[repr(C, align(4096))]
struct Page(u8);

/// Never read: its place in `.data` is all it is for.
#[used]
static mut PAGE_BEFORE_BSS: Page = Page(1);
