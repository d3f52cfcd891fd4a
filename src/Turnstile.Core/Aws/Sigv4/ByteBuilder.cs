using System.Buffers;
using System.Text;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>Append-only byte buffer over pooled arrays; dispose to return the array.</summary>
internal ref struct ByteBuilder
{
    private byte[] _buffer;
    private int _length;

    public ByteBuilder(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        _length = 0;
    }

    public readonly int Length => _length;
    public readonly ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Append(byte b)
    {
        if (_length == _buffer.Length) Grow(1);
        _buffer[_length++] = b;
    }

    public void Append(char asciiChar) => Append((byte)asciiChar);

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length) Grow(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Appends text as UTF-8.</summary>
    public void Append(scoped ReadOnlySpan<char> text)
    {
        var max = text.Length * 3;
        if (_length + max > _buffer.Length) Grow(max);
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    /// <summary>Appends <paramref name="bytes"/> as lowercase hex.</summary>
    public void AppendHex(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length * 2 > _buffer.Length) Grow(bytes.Length * 2);
        Hex.WriteLower(bytes, _buffer.AsSpan(_length, bytes.Length * 2));
        _length += bytes.Length * 2;
    }

    private void Grow(int extra)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public override readonly string ToString() => Encoding.UTF8.GetString(Span);

    public void Dispose()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null!;
    }
}

internal static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void WriteLower(ReadOnlySpan<byte> bytes, Span<byte> dest)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            dest[2 * i] = Digits[bytes[i] >> 4];
            dest[2 * i + 1] = Digits[bytes[i] & 0xF];
        }
    }

    public static string ToLower(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
