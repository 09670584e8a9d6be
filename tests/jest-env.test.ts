// Guards the jest "projects" split: everything outside the browser folders runs in plain Node.
describe('node test environment', () => {
  it('has no DOM', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  });
});
