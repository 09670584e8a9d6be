// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI tooling reads,
// and writes the counts to $VIGIL_TEST_SUMMARY (if set) for scripts/test-all.sh to add up.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
    process.stdout.write(`jest: ${line}\n`);
    if (process.env.VIGIL_TEST_SUMMARY) {
      require('fs').appendFileSync(
        process.env.VIGIL_TEST_SUMMARY,
        `${results.numPassedTests} ${results.numFailedTests + results.numRuntimeErrorTestSuites} ${results.numPendingTests}\n`
      );
    }
  }
}
module.exports = SummaryReporter;
