// How the adapter reads the files a launch names (the scenario, a recorded
// trace): regular files only, and no more than a scenario could need, so that
// a launch of a FIFO or /dev/zero fails at once instead of blocking the
// adapter or filling its memory.

import * as fs from 'fs';
import { FileRefused } from './runtime';

/** Far above any scenario or trace a person writes (the 100k-line benchmark is under 2 MiB). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const TOO_LARGE = `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`;

export function readRegularFile(file: string): string {
  // O_NONBLOCK: opening a FIFO that has no writer returns at once (a plain open waits for one)
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new FileRefused('it is a directory');
    if (!stat.isFile()) throw new FileRefused('it is not a regular file');
    // the size only says when to refuse early: files under /proc report 0 and still have contents
    if (stat.size > MAX_FILE_BYTES) throw new FileRefused(TOO_LARGE);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) throw new FileRefused(TOO_LARGE);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
