import { describe, expect, it } from 'vitest';
import { displayHost, hostAllowed, originAllowed, parseHostHeader, serveUrl } from '../../../electron/server/serve-address.js';
import { choosePort } from '../../../electron/cli/commands/serve.js';
import { DEFAULT_SERVE_PORT } from '../../../electron/core/settings/host-settings.js';

describe('the address reprise serve prints', () => {
  it('is one a browser can open, IPv6 included', () => {
    expect(serveUrl('127.0.0.1', 8080, 'tok')).toBe('http://127.0.0.1:8080/?token=tok');
    expect(serveUrl('::', 8080, 'tok')).toBe('http://[::1]:8080/?token=tok');
    expect(serveUrl('::1', 8080, 'tok')).toBe('http://[::1]:8080/?token=tok');
    expect(serveUrl('0.0.0.0', 8080, 'tok')).toBe('http://127.0.0.1:8080/?token=tok');
    expect(serveUrl('192.168.1.5', 8080, 'tok')).toBe('http://192.168.1.5:8080/?token=tok');
    expect(displayHost('fe80::1%eth0')).toBe('[fe80::1%25eth0]');
    expect(displayHost('[2001:db8::1]')).toBe('[2001:db8::1]');
  });
});

describe('Host header checks', () => {
  it('parses bracketed IPv6, names and ports', () => {
    expect(parseHostHeader('[::1]:8080')).toEqual({ name: '[::1]', port: 8080 });
    expect(parseHostHeader('LocalHost:8080')).toEqual({ name: 'localhost', port: 8080 });
    expect(parseHostHeader('127.0.0.1')).toEqual({ name: '127.0.0.1', port: 80 });
    for (const bad of [undefined, '', '[', '[::1', ':::', '::1:8080', 'a b', 'x:99999', 'x:1:2', `${'a'.repeat(400)}`]) expect(parseHostHeader(bad)).toBeNull();
  });

  it('on loopback accepts only loopback names with our port', () => {
    expect(hostAllowed('[::1]:8080', '::1', 8080)).toBe(true);
    expect(hostAllowed('localhost:8080', '127.0.0.1', 8080)).toBe(true);
    expect(hostAllowed('127.0.0.1:8081', '127.0.0.1', 8080)).toBe(false);
    expect(hostAllowed('evil.example:8080', '127.0.0.1', 8080)).toBe(false);
    // Every interface: any name, still our port only.
    expect(hostAllowed('[::1]:8080', '::', 8080)).toBe(true);
    expect(hostAllowed('nas.local:8080', '0.0.0.0', 8080)).toBe(true);
    expect(hostAllowed('nas.local:9', '0.0.0.0', 8080)).toBe(false);
  });

  it('wants the Origin of our own page', () => {
    expect(originAllowed(undefined, '127.0.0.1:1')).toBe(true);
    expect(originAllowed('http://[::1]:8080', '[::1]:8080')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:8080')).toBe(false);
  });
});

describe('the port', () => {
  it('is --port, else the one in settings, else the default', () => {
    expect(choosePort('9000', 9100)).toEqual({ port: 9000, chosen: true });
    expect(choosePort('0', undefined)).toEqual({ port: 0, chosen: true });
    expect(choosePort(undefined, 9100)).toEqual({ port: 9100, chosen: true });
    expect(choosePort(undefined, undefined)).toEqual({ port: DEFAULT_SERVE_PORT, chosen: false });
    expect(() => choosePort('80a', undefined)).toThrow('--port must be a number from 0 to 65535');
    expect(() => choosePort('70000', undefined)).toThrow('--port must be a number');
  });
});
