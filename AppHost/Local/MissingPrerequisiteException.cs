namespace AppHost.Local;

/// <summary>A program the local mode needs is not installed; the message says how to install it.</summary>
public sealed class MissingPrerequisiteException(string message) : Exception(message);
