using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace RSerPool.Wire;

/// <summary>
/// An immutable list with content equality, so the wire records built on it compare by value
/// (a record's synthesized equality would otherwise compare list references).
/// </summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    private ValueList(T[] items) => _items = items;

    public static ValueList<T> Empty { get; } = new([]);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    /// <summary>Copies <paramref name="items"/>; rejects null entries.</summary>
    public static ValueList<T> CopyOf(IEnumerable<T> items, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(items, parameterName);
        if (items is ValueList<T> already)
        {
            return already;
        }

        var copy = new List<T>(items);
        foreach (T item in copy)
        {
            if (item is null)
            {
                throw new ArgumentException("The list must not contain null entries.", parameterName);
            }
        }

        return copy.Count == 0 ? Empty : new ValueList<T>([.. copy]);
    }

    /// <summary>Takes ownership of a list the decoder built; no copy beyond the final array.</summary>
    public static ValueList<T> Adopt(List<T>? items) => items is null || items.Count == 0 ? Empty : new ValueList<T>([.. items]);

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < _items.Length; i++)
        {
            text.Append(i == 0 ? " " : ", ").Append(_items[i]);
        }

        return text.Append(_items.Length == 0 ? "]" : " ]").ToString();
    }
}
