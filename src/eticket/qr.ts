// QR images of the signed ticket payload. Level M (15% recovery) survives a cracked phone screen or a
// creased print while keeping a ~310-character payload (version 13, 69 modules) at a size door scanners read quickly.
import QRCode from 'qrcode';

const ERROR_CORRECTION = 'M';
/** the 4-module quiet zone the QR spec asks for; scanners miss codes printed flush to other ink */
const MARGIN = 4;

/** PNG bytes; `scale` is pixels per module (default 8, so ~600 px square for a ticket payload). */
export async function qrPng(text: string, options: { scale?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: MARGIN,
    scale: options.scale ?? 8,
  });
}

/** SVG markup, for web pages and HTML email where it stays sharp at any size. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: ERROR_CORRECTION, margin: MARGIN });
}
