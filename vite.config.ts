import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app (citizen portal and staff console) lives in web/ and is built to web/dist, which the
// server serves at `/` (src/web/web.routes.ts). `npm run build` then checks the first page's budget.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/auth': 'http://localhost:3000' } },
});
