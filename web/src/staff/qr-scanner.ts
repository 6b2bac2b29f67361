// Reads QR codes from the device's camera: the browser's BarcodeDetector where it exists (Android,
// ChromeOS, macOS), otherwise jsQR on frames drawn to a canvas, loaded only when needed. Calls
// onCode for each code read, at most a few times a second; stop() ends the camera.
export interface Scanner {
  stop(): void;
}

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

const EVERY_MS = 150;
const MAX_WIDTH = 640;

async function nativeDetector(): Promise<Detector | null> {
  const BD = (globalThis as { BarcodeDetector?: { new (o: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> } })
    .BarcodeDetector;
  if (!BD) return null;
  try {
    return (await BD.getSupportedFormats()).includes('qr_code') ? new BD({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

async function canvasDetector(video: HTMLVideoElement): Promise<Detector> {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  return {
    async detect() {
      const scale = Math.min(1, MAX_WIDTH / (video.videoWidth || MAX_WIDTH));
      canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
      canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
      g.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = g.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' });
      return found ? [{ rawValue: found.data }] : [];
    },
  };
}

/** Starts the back camera into `video` and reads codes from it; rejects when no camera may be used. */
export async function startScanner(video: HTMLVideoElement, onCode: (text: string) => void): Promise<Scanner> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute('playsinline', '');
    await video.play();
    const detector = (await nativeDetector()) ?? (await canvasDetector(video));
    const tick = async () => {
      if (stopped) return;
      if (video.readyState >= 2) {
        const codes = await detector.detect(video).catch(() => []);
        if (stopped) return;
        if (codes[0]?.rawValue) onCode(codes[0].rawValue);
      }
      timer = setTimeout(tick, EVERY_MS);
    };
    void tick();
  } catch (err) {
    stop();
    throw err;
  }
  return { stop };
}
