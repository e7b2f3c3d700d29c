import { describe, expect, it } from 'vitest';
import {
  fullyQualifiedName,
  publishNames,
  relativeNodeIdPath,
  resolveParameterName,
  unknownParameterMessage,
} from '../../../src/simulator/workspace/naming.js';

describe('relativeNodeIdPath', () => {
  it('joins top-level and metanode ids', () => {
    expect(relativeNodeIdPath([3])).toBe('3');
    expect(relativeNodeIdPath([5, 7])).toBe('5:7');
  });

  it('drops the local id 0 of component content', () => {
    expect(relativeNodeIdPath([21, 0, 10])).toBe('21:10');
  });

  it('drops every :0 of nested components', () => {
    expect(relativeNodeIdPath([3, 0, 7, 0, 2])).toBe('3:7:2');
  });

  it('keeps ids that contain the digit 0', () => {
    expect(relativeNodeIdPath([20, 105])).toBe('20:105');
  });
});

describe('fullyQualifiedName', () => {
  it('appends the node id path', () => {
    expect(fullyQualifiedName('input', '2')).toBe('input-2');
    expect(fullyQualifiedName('string-input', '21:10')).toBe('string-input-21:10');
  });

  it('is the id path alone for an empty name', () => {
    expect(fullyQualifiedName('', '4')).toBe('4');
  });
});

describe('publishNames', () => {
  it('keeps unique short names for nodes that prefer them', () => {
    const [name] = publishNames([
      { parameterKey: 'simple-input-json', nodeIdPath: '9', useFullyQualifiedName: false },
    ]);

    expect(name).toEqual({
      name: 'simple-input-json',
      uniqueShortName: 'simple-input-json',
      fullyQualifiedName: 'simple-input-json-9',
    });
  });

  it('uses the FQ name when the node asks for it', () => {
    const [name] = publishNames([
      { parameterKey: 'input-table', nodeIdPath: '1', useFullyQualifiedName: true },
    ]);

    expect(name?.name).toBe('input-table-1');
    expect(name?.uniqueShortName).toBe('input-table');
  });

  it('forces FQ names on every node that shares a name', () => {
    const names = publishNames([
      { parameterKey: 'region', nodeIdPath: '1', useFullyQualifiedName: false },
      { parameterKey: 'region', nodeIdPath: '4:2', useFullyQualifiedName: false },
      { parameterKey: 'year', nodeIdPath: '5', useFullyQualifiedName: false },
    ]);

    expect(names.map((name) => name.name)).toEqual(['region-1', 'region-4:2', 'year']);
    expect(names.map((name) => name.uniqueShortName)).toEqual(['region-1', 'region-4:2', 'year']);
  });

  it('publishes empty names by node id', () => {
    const names = publishNames([
      { parameterKey: '', nodeIdPath: '3', useFullyQualifiedName: true },
      { parameterKey: '', nodeIdPath: '8', useFullyQualifiedName: false },
    ]);

    expect(names.map((name) => name.name)).toEqual(['3', '8']);
  });
});

describe('resolveParameterName', () => {
  const parameters = [
    { shortName: 'region', fullyQualifiedName: 'region-1' },
    { shortName: 'region', fullyQualifiedName: 'region-4:2' },
    { shortName: 'year', fullyQualifiedName: 'year-5' },
  ];

  it('finds a unique short name', () => {
    expect(resolveParameterName(parameters, 'year')).toBe(parameters[2]);
  });

  it('finds an FQ name', () => {
    expect(resolveParameterName(parameters, 'region-4:2')).toBe(parameters[1]);
    expect(resolveParameterName(parameters, 'year-5')).toBe(parameters[2]);
  });

  it('does not match a shared short name', () => {
    expect(resolveParameterName(parameters, 'region')).toBeUndefined();
  });

  it('does not match an FQ name with the wrong node id', () => {
    expect(resolveParameterName(parameters, 'year-6')).toBeUndefined();
  });

  it('words the unknown-name error as KNIME does', () => {
    expect(unknownParameterMessage(parameters, 'month')).toBe(
      'Parameter name "month" doesn\'t match any node in the workflow, valid parameter names are: ["region-1", "region-4:2", "year"]',
    );
  });
});
