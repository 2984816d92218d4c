import { describe, expect, it } from 'vitest';
import { checkFile, isAccepted } from './attachment-check.js';
import type { AttachmentLimits } from './attachment-types.js';

const MiB = 1024 * 1024;
const limits: AttachmentLimits = {
  max_file_bytes: 20 * MiB,
  quota_bytes: 500 * MiB,
  used_bytes: 0,
  accepted: ['text/*', 'application/json', 'application/pdf', '.md', '.docx', '.log'],
};

describe('isAccepted', () => {
  it('matches MIME types, type/* and name endings, case-insensitively', () => {
    expect(isAccepted({ name: 'a.txt', type: 'text/plain' }, limits.accepted)).toBe(true);
    expect(isAccepted({ name: 'A.MD', type: '' }, limits.accepted)).toBe(true);
    expect(isAccepted({ name: 'r.pdf', type: 'application/pdf' }, limits.accepted)).toBe(true);
    expect(isAccepted({ name: 'a.zip', type: 'application/zip' }, limits.accepted)).toBe(false);
    expect(isAccepted({ name: 'noext', type: '' }, limits.accepted)).toBe(false);
  });
});

describe('checkFile', () => {
  it('lets an accepted file through', () => {
    expect(checkFile({ name: 'notes.md', type: 'text/markdown', size: 1000 }, limits)).toBeNull();
  });

  it('refuses a file over the size limit, saying both sizes', () => {
    const refusal = checkFile({ name: 'big.log', type: 'text/plain', size: 30 * MiB }, limits);
    expect(refusal?.reason).toBe('too_large');
    expect(refusal?.message).toBe(
      '“big.log” is 30 MB; files can be at most 20 MB. Attach a smaller file or a part of it.',
    );
  });

  it('refuses an image: no model here can see', () => {
    const refusal = checkFile({ name: 'shot.png', type: 'image/png', size: 2000 }, limits);
    expect(refusal?.reason).toBe('image');
    expect(refusal?.message).toContain('images need a model that can see');
    expect(checkFile({ name: 'IMG_1.HEIC', type: '', size: 2000 }, limits)?.reason).toBe('image');
  });

  it('lets an image through where the server accepts images', () => {
    const vision = { ...limits, accepted: [...limits.accepted, 'image/*'] };
    expect(checkFile({ name: 'shot.png', type: 'image/png', size: 2000 }, vision)).toBeNull();
  });

  it('refuses a type the server does not accept, naming what it does', () => {
    const refusal = checkFile({ name: 'a.zip', type: 'application/zip', size: 10 }, limits);
    expect(refusal?.reason).toBe('unsupported');
    expect(refusal?.message).toContain('(application/zip)');
    expect(refusal?.message).toContain('text/*, application/json');
  });

  it('leaves files the browser types badly to the server (code, unknown types)', () => {
    expect(checkFile({ name: 'main.ts', type: 'video/mp2t', size: 10 }, limits)).toBeNull();
    expect(checkFile({ name: 'data', type: '', size: 10 }, limits)).toBeNull();
    expect(checkFile({ name: 'x.bin', type: 'application/octet-stream', size: 10 }, limits)).toBeNull();
  });

  it('refuses a file the quota has no room for, counting uploads in flight', () => {
    const nearlyFull = { ...limits, used_bytes: 495 * MiB };
    expect(checkFile({ name: 'a.txt', type: 'text/plain', size: 4 * MiB }, nearlyFull)).toBeNull();
    const refusal = checkFile({ name: 'a.txt', type: 'text/plain', size: 4 * MiB }, nearlyFull, 2 * MiB);
    expect(refusal?.reason).toBe('quota');
    expect(refusal?.message).toContain('497 MB of 500 MB used');
  });

  it('checks the size before the type: the size is what the person can act on first', () => {
    expect(checkFile({ name: 'a.zip', type: 'application/zip', size: 30 * MiB }, limits)?.reason).toBe('too_large');
  });
});
