import React from 'react';
import { FieldSet, InlineField, InlineSwitch, Input } from '@grafana/ui';
import { type ConfigProps, LABEL_WIDTH, patchJsonData } from './configProps';
import { timeoutProblem, urlProblem } from './fieldChecks';

/** Where the backend reaches Prometheus and how long it waits for it. */
export function ConnectionSection(props: ConfigProps) {
  const jsonData = props.options.jsonData ?? {};
  const urlError = urlProblem(jsonData.prometheusUrl);
  const timeoutError = timeoutProblem(jsonData.timeout);
  return (
    <FieldSet label="Prometheus">
      <InlineField
        label="URL"
        labelWidth={LABEL_WIDTH}
        tooltip="Base URL of the Prometheus HTTP API, as the Grafana server reaches it (the backend queries it, not the browser)."
        invalid={!!urlError}
        error={urlError}
      >
        <Input
          aria-label="Prometheus URL"
          width={48}
          placeholder="http://prometheus:9090"
          value={jsonData.prometheusUrl ?? ''}
          onChange={(e) => patchJsonData(props, { prometheusUrl: e.currentTarget.value })}
        />
      </InlineField>
      <InlineField
        label="Timeout"
        labelWidth={LABEL_WIDTH}
        tooltip="Seconds the backend waits for each Prometheus request, including reading the answer. Default 30."
        invalid={!!timeoutError}
        error={timeoutError}
      >
        <Input
          aria-label="Timeout"
          type="number"
          width={12}
          placeholder="30"
          value={jsonData.timeout ?? ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            patchJsonData(props, { timeout: v === '' ? undefined : Number(v) });
          }}
        />
      </InlineField>
      <InlineField
        label="Compressed answers"
        labelWidth={LABEL_WIDTH}
        tooltip="Ask Prometheus to gzip its answers. Off by default: compressing a large range answer costs Prometheus several times longer than sending it plain, so turn it on only when the link to Prometheus is slower than about 100 Mbit/s."
      >
        <InlineSwitch
          aria-label="Compressed answers"
          value={jsonData.compressResponses ?? false}
          onChange={(e) => patchJsonData(props, { compressResponses: e.currentTarget.checked })}
        />
      </InlineField>
    </FieldSet>
  );
}
