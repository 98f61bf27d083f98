/**
 * Red team (issue 10.6): a key pasted into an endpoint URL never reaches an error message
 * (a terminal's scrollback, the UI's status line and ui.log). The user/password form was
 * already redacted; a query or fragment was echoed whole.
 */
import { expect, test } from '@jest/globals';
import { normaliseEndpoint } from '../lib/agents/nex/endpoint';

const KEY = 'sk-redteamSECRET0123456789';
const URLS = [
  `http://127.0.0.1:9/v1?api_key=${KEY}`,
  `http://127.0.0.1:9/v1?key=${KEY}&x=1`,
  `https://api.example.com/v1#${KEY}`,
  `http://user:${KEY}@127.0.0.1:9/v1`,
  `http://:${KEY}@127.0.0.1:9/v1`,
  `http://127.0.0.1:9/v1?a=b@${KEY}`,
  `http://127.0.0.1:0/v1?k=${KEY}`,
  `ftp://h/v1?k=${KEY}`,
  `http://127.0.0.1:9/v1\t?k=${KEY}`,
];

test.each(URLS)('the error for %j does not repeat the key', (url) => {
  let message = '';
  try {
    normaliseEndpoint(url);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).not.toBe('');
  expect(message).not.toContain(KEY);
  expect(message).not.toContain(KEY.slice(0, 12));
});
