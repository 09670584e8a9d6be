import { positiveOrUnset, timeoutProblem, urlProblem } from './fieldChecks';

describe('config field checks', () => {
  it('an empty field is not a problem: the backend default applies', () => {
    expect(urlProblem(undefined)).toBeUndefined();
    expect(urlProblem('  ')).toBeUndefined();
    expect(timeoutProblem(undefined)).toBeUndefined();
  });

  it('a URL must be http(s), complete, and carry no credentials', () => {
    expect(urlProblem('https://prom.example:9090/prefix')).toBeUndefined();
    expect(urlProblem('ftp://prom:9090')).toMatch(/http:\/\/ or https:\/\//);
    expect(urlProblem('prom:9090')).toMatch(/http:\/\/ or https:\/\/|full URL/);
    expect(urlProblem('not a url')).toMatch(/full URL/);
    expect(urlProblem('http://alice:pw@prom:9090')).toMatch(/credentials in Authentication/);
  });

  it('timeouts must be above zero', () => {
    expect(timeoutProblem(30)).toBeUndefined();
    expect(timeoutProblem(0)).toMatch(/above 0/);
  });

  it('limits keep only positive whole numbers', () => {
    expect(positiveOrUnset('500')).toBe(500);
    for (const text of ['', ' ', '0', '-3', '2.5', 'lots']) {
      expect(positiveOrUnset(text)).toBeUndefined();
    }
  });
});
