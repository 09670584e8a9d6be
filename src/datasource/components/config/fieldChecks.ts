// Each returns the message to show at the field, or undefined when the value is fine or left empty.

export function timeoutProblem(timeout: number | undefined): string | undefined {
  return timeout !== undefined && !(Number(timeout) > 0) ? 'a number of seconds above 0, e.g. 30' : undefined;
}

export function urlProblem(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') {
    return undefined;
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return 'use an http:// or https:// URL';
    }
    return u.username || u.password ? 'put credentials in Authentication, not in the URL' : undefined;
  } catch {
    return 'use a full URL such as http://prometheus:9090';
  }
}

/** A positive whole number typed in a field, or undefined (the backend's default) for anything else. */
export function positiveOrUnset(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}
