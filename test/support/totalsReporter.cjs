'use strict';
// Mocha's spec output, plus the run's totals appended as one JSON line to PLANASONIX_TOTALS_FILE
// so that scripts/test.mjs can add up every tier.
const fs = require('node:fs');
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.PLANASONIX_TOTALS_FILE;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      fs.appendFileSync(file, JSON.stringify({ tier: process.env.PLANASONIX_TIER || 'tests', passes, failures, pending }) + '\n');
    });
  }
}

module.exports = TotalsReporter;
