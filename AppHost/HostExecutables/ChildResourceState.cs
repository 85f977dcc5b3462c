namespace AppHost.HostExecutables;

/// <summary>
/// Gives a child resource its parent's state, as Aspire does for the children of containers but not of
/// executables: without it a database of a host server would never leave "Not started", and WaitFor on it would
/// wait forever.
/// </summary>
internal static class ChildResourceState
{
    public static async Task FollowParentAsync(IResource child, IResource parent, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (ReferenceEquals(update.Resource, parent))
                {
                    await notifications.PublishUpdateAsync(child, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The application is stopping.
        }
    }
}
