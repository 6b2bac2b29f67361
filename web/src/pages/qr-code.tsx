// A QR code drawn in the page (SVG from the qrcode library), never fetched from elsewhere.
import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';

export function QrCode({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then((svg) => setSrc(`data:image/svg+xml;base64,${btoa(svg)}`));
  }, [text]);
  return src ? <img class="qr" src={src} alt={label} width={220} height={220} /> : null;
}
