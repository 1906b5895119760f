// The data image of a wasm module: where its active data segments lie in linear memory.
// Every instance maps that image afresh, and each first read in it maps the 64 KB window
// around it (the kernel's fault-around): a page fault per window a request reads
// (bench/README.md, "What a cold request runs"). So `make bench` reports the windows.
import { readFileSync } from 'node:fs';

const WINDOW = 64 * 1024;

/** { start, end, bytes, windows } of the module's active data segments (memory 0). */
export function dataImage(file) {
  const wasm = readFileSync(file);
  let at = 8; // magic and version
  const leb = (signed = false) => {
    let result = 0n;
    let shift = 0n;
    let byte;
    do {
      byte = wasm[at++];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (signed && byte & 0x40) result -= 1n << shift;
    return Number(result);
  };
  let start = Infinity;
  let end = 0;
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const next = at + size;
    if (id === 11) {
      for (let count = leb(); count > 0; count--) {
        const flags = leb();
        if (flags === 1) { at += leb(); continue; } // passive: not part of the image
        if (flags === 2) leb(); // memory index
        if (wasm[at++] !== 0x41) throw new Error(`${file}: a data segment's offset is not i32.const`);
        const offset = leb(true);
        at++; // end
        const length = leb();
        at += length;
        start = Math.min(start, offset);
        end = Math.max(end, offset + length);
      }
    }
    at = next;
  }
  if (end === 0) return { start: 0, end: 0, bytes: 0, windows: 0 };
  const windows = Math.floor((end - 1) / WINDOW) - Math.floor(start / WINDOW) + 1;
  return { start, end, bytes: end - start, windows };
}
