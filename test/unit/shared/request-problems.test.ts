// Refused requests in the user's words: labels or flags, plain sentences, no JSON paths.
import { describe, expect, it } from 'vitest';
import { describeRequestProblems, fieldName, plainIssueText } from '../../../shared/request-problems.js';

describe('fieldName', () => {
  it.each([
    ['jobs:add', ['retention', 'keepLast'], 'Keep the newest', '--keep-last'],
    ['jobs:add', ['destinations', 1, 'target'], 'Destination 2', 'destination 2'],
    ['jobs:add', ['sources', 0], 'Source folder 1', '--source'],
    ['jobs:add', ['staleAfterDays'], 'Warn when no backup succeeded for (days)', '--stale-days'],
    ['restore:run', ['policy'], 'If a file is already there', '--conflict'],
    ['remotes:add', ['name'], 'Remote name', 'NAME (the remote name)'],
    ['remotes:add', ['options', 'url'], 'Setting “url”', 'url=…'],
    ['runs:start', ['restoreId'], 'restore id', 'restore id'],
  ] as const)('%s %j → %s / %s', (command, path, window, cli) => {
    expect(fieldName(command, path, 'window')).toBe(window);
    expect(fieldName(command, path, 'cli')).toBe(cli);
  });
});

describe('plainIssueText', () => {
  it('says what zod says in plain words', () => {
    expect(plainIssueText({ code: 'too_small', origin: 'number', minimum: 0, inclusive: true })).toBe('must be at least 0');
    expect(plainIssueText({ code: 'too_big', origin: 'number', maximum: 64, inclusive: true })).toBe('must be at most 64');
    expect(plainIssueText({ code: 'too_small', origin: 'string', minimum: 1 })).toBe('is required');
    expect(plainIssueText({ code: 'invalid_type', expected: 'number', input: 'x' })).toBe('must be a number');
    expect(plainIssueText({ code: 'invalid_type', expected: 'int', input: 1.5 })).toBe('must be a whole number');
    expect(plainIssueText({ code: 'invalid_type', expected: 'string', input: undefined })).toBe('is required');
    expect(plainIssueText({ code: 'invalid_value', values: ['skip', 'overwrite', 'keep-both'] })).toBe('must be one of “skip”, “overwrite” or “keep-both”');
    expect(plainIssueText({ code: 'unrecognized_keys', keys: ['colour'] })).toBe('has settings Reprise does not know: colour');
  });
});

describe('describeRequestProblems', () => {
  it('joins the problems into one sentence without repeating itself', () => {
    const issues = [
      { code: 'too_small', path: ['retention', 'keepLast'], message: 'must be at least 0' },
      { code: 'custom', path: ['excludes', 0], message: 'a pattern is required.' },
      { code: 'custom', path: ['excludes', 1], message: 'a pattern is required.' },
      { code: 'custom', path: [], message: 'something is off' },
    ];
    expect(describeRequestProblems('jobs:add', issues, 'window')).toBe('Keep the newest: must be at least 0; Leave out (line 1): a pattern is required; Leave out (line 2): a pattern is required; Something is off.');
    expect(describeRequestProblems('jobs:add', issues.slice(1, 3), 'cli')).toBe('--exclude: a pattern is required.');
  });
});
