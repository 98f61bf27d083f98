import { describe, expect, test } from '@jest/globals';
import { neighbour, treeOrder } from '../lib/chat/tree';

const item = (ref: string, parent: string | null = null) => ({ ref, parent });

describe('chat tree', () => {
  test('children indented under their parent, refs in numeric order', () => {
    const rows = treeOrder([item('chat-10'), item('chat-2'), item('chat-3', 'chat-10'), item('chat-4', 'chat-3'), item('chat-1'), item('chat-5', 'chat-1')]);
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.item.ref}`)).toEqual(['chat-1', '  chat-5', 'chat-2', 'chat-10', '  chat-3', '    chat-4']);
  });
  test('orphans (parent not shown) become roots; cycles do not hang', () => {
    expect(treeOrder([item('chat-2', 'chat-9'), item('chat-1')]).map((r) => r.item.ref)).toEqual(['chat-1', 'chat-2']);
    expect(treeOrder([item('chat-1', 'chat-2'), item('chat-2', 'chat-1')]).map((r) => r.item.ref).sort()).toEqual(['chat-1', 'chat-2']);
  });
  test('navigation wraps both ways and starts at an end for an unknown current', () => {
    const order = ['chat-1', 'chat-5', 'chat-2'];
    expect(neighbour(order, 'chat-1', 1)).toBe('chat-5');
    expect(neighbour(order, 'chat-2', 1)).toBe('chat-1');
    expect(neighbour(order, 'chat-1', -1)).toBe('chat-2');
    expect(neighbour(order, null, 1)).toBe('chat-1');
    expect(neighbour(order, 'chat-9', -1)).toBe('chat-2');
    expect(neighbour([], 'chat-1', 1)).toBeNull();
  });
});
