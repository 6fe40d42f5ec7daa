import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The C++ server serves web/dist (passed as --web-dir) and falls back to index.html for UI routes.
// In development, `npm run dev` serves the UI and forwards server paths to a locally running server.
const serverUrl = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': serverUrl,
      '/healthz': serverUrl,
      '/readyz': serverUrl,
      '/metrics': serverUrl,
    },
  },
});
