// The customer web app: `npm run build:web` builds it into web/dist (served by the API process);
// `npm run dev:web` serves it with hot reload, the API calls proxied to a running API (API_URL,
// default http://127.0.0.1:4000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/_gateway': api,
      '/swagger': api,
    },
  },
});
