import React from 'react';
import { Button, FieldSet, InlineField, InlineFieldRow, Input, SecretInput, Stack } from '@grafana/ui';
import type { VigilDataSourceOptions } from '../../types';
import { type ConfigProps, LABEL_WIDTH, type SecretKey, patchJsonData, secretFieldProps } from './configProps';

const HEADER_NAME = /^httpHeaderName(\d+)$/;

/**
 * Custom headers in Grafana's own numbering: the name in jsonData.httpHeaderNameN, the value (often a
 * tenant id or key) in secureJsonData.httpHeaderValueN.
 */
export function HeadersSection(props: ConfigProps) {
  const { options, onOptionsChange } = props;
  const jsonData = options.jsonData ?? {};
  const headers = headerNumbers(jsonData);

  const addHeader = () => {
    const next = headers.length === 0 ? 1 : headers[headers.length - 1] + 1;
    patchJsonData(props, { [`httpHeaderName${next}`]: '' } as Partial<VigilDataSourceOptions>);
  };
  const removeHeader = (n: number) => {
    const { [`httpHeaderName${n}` as `httpHeaderName${number}`]: _gone, ...rest } = jsonData;
    onOptionsChange({
      ...options,
      jsonData: rest as VigilDataSourceOptions,
      secureJsonFields: { ...(options.secureJsonFields ?? {}), [`httpHeaderValue${n}`]: false },
      secureJsonData: { ...(options.secureJsonData ?? {}), [`httpHeaderValue${n}`]: '' },
    });
  };

  return (
    <FieldSet label="Custom headers">
      {headers.map((n) => (
        <InlineFieldRow key={n}>
          <InlineField
            label={`Header ${n}`}
            labelWidth={LABEL_WIDTH}
            tooltip="Sent with every Prometheus request, e.g. X-Scope-OrgID for Mimir or Cortex. The value is stored encrypted."
          >
            <Stack gap={1}>
              <Input
                aria-label={`Header ${n} name`}
                width={24}
                placeholder="X-Scope-OrgID"
                value={jsonData[`httpHeaderName${n}`] ?? ''}
                onChange={(e) =>
                  patchJsonData(props, {
                    [`httpHeaderName${n}`]: e.currentTarget.value,
                  } as Partial<VigilDataSourceOptions>)
                }
              />
              <SecretInput
                aria-label={`Header ${n} value`}
                width={32}
                {...secretFieldProps(props, `httpHeaderValue${n}` as SecretKey)}
              />
              <Button
                variant="secondary"
                icon="trash-alt"
                aria-label={`Remove header ${n}`}
                onClick={() => removeHeader(n)}
              />
            </Stack>
          </InlineField>
        </InlineFieldRow>
      ))}
      <Button variant="secondary" icon="plus" size="sm" onClick={addHeader}>
        Add header
      </Button>
    </FieldSet>
  );
}

/** The N of every httpHeaderNameN present, ascending. */
function headerNumbers(jsonData: VigilDataSourceOptions): number[] {
  return Object.keys(jsonData)
    .map((k) => HEADER_NAME.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
