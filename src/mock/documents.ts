// The small but valid documents the mock serves as downloads: a one-page PDF and a 1x1 TIFF.

/** A one-page PDF 1.4 showing `text` (a few hundred bytes, `%PDF-1.4` ... `%%EOF`). */
export function pdfDocument(text: string): Uint8Array<ArrayBuffer> {
  const safe = text.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, "\\$&");
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

/** A baseline little-endian TIFF: one white 1x1 bilevel pixel. */
export function tiffDocument(): Uint8Array<ArrayBuffer> {
  // tag, type (3 SHORT, 4 LONG, 5 RATIONAL), value; the IFD starts at byte 8.
  const entries: [number, number, number][] = [
    [256, 3, 1], // ImageWidth
    [257, 3, 1], // ImageLength
    [258, 3, 1], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 0], // PhotometricInterpretation: white is zero
    [273, 4, 0], // StripOffsets: patched below
    [278, 3, 1], // RowsPerStrip
    [279, 4, 1], // StripByteCounts
    [282, 5, 0], // XResolution: patched below
    [283, 5, 0], // YResolution: patched below
    [296, 3, 2], // ResolutionUnit: inch
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const rational = 8 + ifdSize; // 204/1 dpi, the fax "fine" resolution
  const pixel = rational + 8;
  const bytes = new Uint8Array(pixel + 1);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]); // "II", 42
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    const patched = tag === 273 ? pixel : tag === 282 || tag === 283 ? rational : value;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, patched, true);
    else view.setUint32(at + 8, patched, true);
  });
  view.setUint32(rational, 204, true);
  view.setUint32(rational + 4, 1, true);
  bytes[pixel] = 0;
  return bytes;
}
