// The diagnostics_payload tool's text, generated the same way as src/tools/diagnostics.rs.
export function payload(bytes) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012';
  let out = '';
  for (let line = 0; out.length < bytes; line += 1) {
    out += `${String(line).padStart(8, '0')}${letters}\n`;
  }
  return out.slice(0, bytes);
}
