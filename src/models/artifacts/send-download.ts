import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Download } from '../model-artifacts.service.js';

/**
 * Writes a Download to the response, streaming the body with backpressure. Once the
 * headers are out an error can only cut the connection short, which tells the client
 * (Content-Length unmet) that the transfer failed.
 */
export function sendDownload(res: Response, download: Download): void {
  res.status(download.status);
  for (const [name, value] of Object.entries(download.headers)) res.setHeader(name, value);
  if (!download.body) {
    res.end();
    return;
  }
  pipeline(download.body, res).catch(() => {
    download.body?.destroy();
    res.destroy();
  });
}
