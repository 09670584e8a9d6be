import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSource } from '../datasource';
import { VigilQuery } from '../types';
import { QueryEditor } from './QueryEditor';

describe('QueryEditor', () => {
  const query: VigilQuery = { refId: 'A', expr: 'up' };

  it('renders the PromQL field and reports edits', () => {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    render(<QueryEditor datasource={{} as DataSource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);

    const expr = screen.getByLabelText('PromQL expression');
    expect(expr).toHaveValue('up');

    fireEvent.change(expr, { target: { value: 'rate(x[5m])' } });
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', expr: 'rate(x[5m])' });

    fireEvent.blur(expr);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});
