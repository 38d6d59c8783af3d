// The wizard is generated from the providers of the rclone installed here, captured in the test.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RcloneProvider } from '../../../shared/remotes/provider-types.js';
import { buildWizardModel, formFor, matchesProvider, optionsToSave, validateForm, type WizardModel } from '../../../shared/remotes/wizard-model.js';

let providers: RcloneProvider[];
let model: WizardModel;

beforeAll(() => {
  providers = JSON.parse(execFileSync('rclone', ['config', 'providers'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as RcloneProvider[];
  model = buildWizardModel(providers);
});

describe('wizard model from rclone config providers', () => {
  it('offers every provider of the installed rclone, popular ones first', () => {
    const types = new Set(model.entries.map((e) => e.type));
    for (const p of providers.filter((x) => !x.Hide)) expect(types.has(p.Name)).toBe(true);
    const ids = model.entries.map((e) => e.id);
    expect(ids.slice(0, 5)).toEqual(['s3:AWS', 'b2', 's3:Wasabi', 's3:Minio', 's3:Cloudflare']);
    const firstNonPopular = model.entries.findIndex((e) => !e.popular);
    expect(model.entries.slice(0, firstNonPopular).map((e) => e.type)).toEqual(expect.arrayContaining(['drive', 'dropbox', 'onedrive', 'sftp', 'webdav', 'smb', 'local']));
    expect(model.entries.slice(firstNonPopular).every((e) => !e.popular)).toBe(true);
  });

  it('names providers in words people know and keeps non-destinations apart', () => {
    const byId = new Map(model.entries.map((e) => [e.id, e]));
    expect(byId.get('azureblob')?.label).toBe('Microsoft Azure Blob Storage');
    for (const id of ['memory', 'union', 'chunker', 'crypt', 'alias', 'http']) expect(byId.get(id)).toMatchObject({ advanced: true, popular: false });
    expect(byId.get('b2')?.advanced).toBe(false);
    // Every advanced entry comes after every other one; no title ends in rclone's full stop.
    const firstAdvanced = model.entries.findIndex((e) => e.advanced);
    expect(model.entries.slice(firstAdvanced).every((e) => e.advanced)).toBe(true);
    expect(model.entries.filter((e) => e.label.endsWith('.'))).toEqual([]);
  });

  it('marks OAuth backends', () => {
    const byId = new Map(model.entries.map((e) => [e.id, e]));
    expect(byId.get('drive')?.oauth).toBe(true);
    expect(byId.get('dropbox')?.oauth).toBe(true);
    expect(byId.get('onedrive')?.oauth).toBe(true);
    expect(byId.get('sftp')?.oauth).toBe(false);
  });

  it('puts required options first and folds advanced ones (sftp)', () => {
    const form = formFor(model, 'sftp');
    expect(form.required.map((f) => f.name)).toEqual(['host']);
    expect(form.optional.map((f) => f.name)).toEqual(expect.arrayContaining(['user', 'port', 'pass', 'key_file']));
    expect(form.advanced.length).toBeGreaterThan(5);
    expect(form.advanced.every((f) => f.advanced)).toBe(true);
    const pass = form.optional.find((f) => f.name === 'pass');
    expect(pass).toMatchObject({ isPassword: true, sensitive: true, control: 'password' });
  });

  it('shows examples as choices (webdav vendor) and help text', () => {
    const form = formFor(model, 'webdav');
    expect(form.required.map((f) => f.name)).toEqual(['url']);
    const vendor = form.optional.find((f) => f.name === 'vendor');
    expect(vendor?.choices.map((c) => c.value)).toEqual(expect.arrayContaining(['nextcloud', 'owncloud', 'other']));
    expect(form.required[0]?.help).toContain('https://example.com');
  });

  it('filters S3 options by the chosen provider', () => {
    const wasabi = formFor(model, 's3:Wasabi');
    const aws = formFor(model, 's3:AWS');
    expect(wasabi.optional.some((f) => f.name === 'provider')).toBe(false);
    const awsRegion = aws.optional.find((f) => f.name === 'region');
    expect(awsRegion?.choices.map((c) => c.value)).toContain('us-east-1');
    // AWS gets its own endpoint option (no example list), not the one of other providers.
    expect(aws.optional.find((f) => f.name === 'endpoint')?.providerFilter).toBe('AWS');
    for (const f of [...aws.required, ...aws.optional, ...aws.advanced]) expect(matchesProvider(f.providerFilter, 'AWS')).toBe(true);
    const wasabiEndpoint = wasabi.optional.find((f) => f.name === 'endpoint');
    expect(wasabiEndpoint?.choices.some((c) => c.value.includes('wasabisys.com'))).toBe(true);
    expect(wasabi.optional.find((f) => f.name === 'secret_access_key')).toMatchObject({ sensitive: true, control: 'password', isPassword: false });
    // The generic S3 entry shows the provider picker itself.
    const generic = formFor(model, 's3', { provider: 'Minio' });
    expect(generic.optional.find((f) => f.name === 'provider')?.choices.length).toBeGreaterThan(10);
    expect(generic.optional.find((f) => f.name === 'endpoint')).toBeDefined();
  });

  it('validates and saves answers (b2 needs account and key)', () => {
    const form = formFor(model, 'b2');
    expect(form.required.map((f) => f.name)).toEqual(['account', 'key']);
    expect(Object.keys(validateForm(form, {}))).toEqual(['account', 'key']);
    expect(validateForm(form, { account: 'a', key: 'k' })).toEqual({});
    const s3 = formFor(model, 's3:Minio');
    expect(optionsToSave(s3, { endpoint: 'http://127.0.0.1:9000', env_auth: 'false' })).toEqual({ provider: 'Minio', endpoint: 'http://127.0.0.1:9000' });
  });

  it('says a WebDAV address without http:// at its field, under its label, before anything is sent', () => {
    const form = formFor(model, 'webdav');
    const url = [...form.required, ...form.optional].find((f) => f.name === 'url')!;
    const problems = validateForm(form, { url: 'example.com/dav' });
    expect(problems.url).toBe(`${url.label} must be a web address starting with http:// or https://, e.g. "https://example.com/dav".`);
    expect(problems.url).not.toContain('"url"');
    expect(validateForm(form, { url: 'https://example.com/dav' })).toEqual({});
  });

  it('understands rclone provider filters', () => {
    expect(matchesProvider('', 'AWS')).toBe(true);
    expect(matchesProvider('AWS,Minio', 'Minio')).toBe(true);
    expect(matchesProvider('AWS,Minio', 'Wasabi')).toBe(false);
    expect(matchesProvider('!AWS,Minio', 'Wasabi')).toBe(true);
    expect(matchesProvider('!AWS,Minio', 'AWS')).toBe(false);
  });
});
