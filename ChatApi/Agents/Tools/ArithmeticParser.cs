using System.Globalization;

namespace ChatApi.Agents.Tools;

/// <summary>
/// Evaluates arithmetic expressions safely (no eval, no DataTable.Compute): numbers with decimals, <c>+ - * / ^</c>,
/// unary signs and parentheses. <c>^</c> binds tighter than unary minus and is right-associative (<c>-2^2 = -4</c>,
/// <c>2^3^2 = 512</c>). Malformed input throws <see cref="FormatException"/>, division by zero
/// <see cref="DivideByZeroException"/>, a non-finite result <see cref="OverflowException"/>.
/// </summary>
/// <remarks>
/// Grammar: <c>expr := term (('+'|'-') term)*</c>, <c>term := unary (('*'|'/') unary)*</c>,
/// <c>unary := ('+'|'-') unary | power</c>, <c>power := primary ('^' unary)?</c>, <c>primary := number | '(' expr ')'</c>.
/// </remarks>
public sealed class ArithmeticParser
{
    public const int MaxLength = 256;

    // Bounds the recursion so hostile input ("((((...") cannot exhaust the stack.
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _position;
    private int _depth;

    private ArithmeticParser(string text) => _text = text;

    public static double Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxLength)
        {
            throw new FormatException($"the expression is longer than {MaxLength} characters");
        }

        var parser = new ArithmeticParser(expression);
        var value = parser.ParseExpression();
        parser.SkipSpaces();
        if (parser._position < parser._text.Length)
        {
            throw parser.Unexpected();
        }

        return double.IsFinite(value) ? value : throw new OverflowException("the result is not a finite number");
    }

    private double ParseExpression()
    {
        Enter();
        var value = ParseTerm();
        while (TryConsume('+', '-') is { } op)
        {
            var right = ParseTerm();
            value = op == '+' ? value + right : value - right;
        }

        _depth--;
        return value;
    }

    private double ParseTerm()
    {
        var value = ParseUnary();
        while (TryConsume('*', '/') is { } op)
        {
            var right = ParseUnary();
            if (op == '/' && right == 0)
            {
                throw new DivideByZeroException("division by zero");
            }

            value = op == '*' ? value * right : value / right;
        }

        return value;
    }

    private double ParseUnary()
    {
        Enter();
        double value;
        if (TryConsume('+', '-') is { } sign)
        {
            var operand = ParseUnary();
            value = sign == '-' ? -operand : operand;
        }
        else
        {
            value = ParsePower();
        }

        _depth--;
        return value;
    }

    private double ParsePower()
    {
        var value = ParsePrimary();
        if (TryConsume('^'))
        {
            var exponent = ParseUnary();
            if (value == 0 && exponent < 0)
            {
                throw new DivideByZeroException("division by zero (0 to a negative power)");
            }

            value = Math.Pow(value, exponent);
        }

        return value;
    }

    private double ParsePrimary()
    {
        SkipSpaces();
        if (_position >= _text.Length)
        {
            throw new FormatException("the expression ends too early");
        }

        if (_text[_position] == '(')
        {
            _position++;
            var value = ParseExpression();
            SkipSpaces();
            if (_position >= _text.Length || _text[_position] != ')')
            {
                throw new FormatException($"missing ')' at position {_position + 1}");
            }

            _position++;
            return value;
        }

        var start = _position;
        while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.'))
        {
            _position++;
        }

        if (start == _position)
        {
            throw Unexpected();
        }

        var number = _text.AsSpan(start, _position - start);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new FormatException($"'{number}' is not a number");
        }

        return parsed;
    }

    private char? TryConsume(char first, char second)
    {
        SkipSpaces();
        if (_position < _text.Length && (_text[_position] == first || _text[_position] == second))
        {
            return _text[_position++];
        }

        return null;
    }

    private bool TryConsume(char expected) => TryConsume(expected, expected) is not null;

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException($"the expression nests deeper than {MaxDepth} levels");
        }
    }

    private FormatException Unexpected() => _position >= _text.Length
        ? new FormatException("the expression ends too early")
        : new FormatException($"unexpected '{_text[_position]}' at position {_position + 1}");
}
