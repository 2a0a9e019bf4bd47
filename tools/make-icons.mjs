// Draws the SafeDM icons (a white shield on a blue disc) as PNGs without any image library.
// Run once: node tools/make-icons.mjs; the PNGs are committed under extension/icons/.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};

function icon(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const ss = 4; // supersampling per axis
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let disc = 0;
      let shield = 0;
      for (let sy = 0; sy < ss; sy++) for (let sx = 0; sx < ss; sx++) {
        const u = (x + (sx + 0.5) / ss) / size - 0.5;
        const v = (y + (sy + 0.5) / ss) / size - 0.5;
        if (u * u + v * v <= 0.25) disc++;
        // shield: flat top from v=-0.28, sides narrowing to a point at v=0.32
        const halfW = v < 0.02 ? 0.24 : 0.24 * (1 - (v - 0.02) / 0.3);
        if (v >= -0.28 && v <= 0.32 && Math.abs(u) <= halfW) shield++;
      }
      const a = disc / (ss * ss);
      const s = shield / (ss * ss);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = Math.round(59 + (255 - 59) * s);
      raw[o + 1] = Math.round(111 + (255 - 111) * s);
      raw[o + 2] = Math.round(182 + (255 - 182) * s);
      raw[o + 3] = Math.round(255 * a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [16, 48, 128]) {
  writeFileSync(new URL(`../extension/icons/icon-${size}.png`, import.meta.url), icon(size));
}
