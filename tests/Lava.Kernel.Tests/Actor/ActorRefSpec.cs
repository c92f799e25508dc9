using Lava.Kernel.TestKit;
using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class ActorRefSpec : TestKit.TestKit
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
    }

    private sealed class Relay(IActorRef next) : ReceiveActor
    {
        public Relay() : this(ActorRefs.Nobody)
        {
        }

        protected override void PreStart() => Become(() => ReceiveAny(m => next.Forward(m)));
    }

    private sealed class Parent : ReceiveActor
    {
        public Parent()
        {
            Receive<string>(name => Sender.Tell(Context.ActorOf(Props.Create(() => new Echo()), name)));
            Receive<int>(_ => Sender.Tell(Context.ActorOf(Props.Create(() => new Echo()))));
            Receive<Props>(_ =>
            {
                try
                {
                    Context.ActorOf(Props.Create(() => new Echo()), "twin");
                    Context.ActorOf(Props.Create(() => new Echo()), "twin");
                }
                catch (InvalidActorNameException e)
                {
                    Sender.Tell(e.Message);
                }
            });
        }
    }

    [Fact]
    public async Task Tell_must_deliver_with_the_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        Tell(echo, "hello");
        Assert.Equal("hello", await ExpectMsgAsync<string>());
        Assert.Equal(echo, TestActor.LastSender);
    }

    [Fact]
    public async Task Paths_must_follow_the_hierarchy()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent()), "parent");
        Tell(parent, "kid");
        var child = await ExpectMsgAsync<IActorRef>();
        Assert.Equal("/user/parent/kid", child.Path.ToStringWithoutAddress());
        Assert.Equal($"lava://{Sys.Name}/user/parent/kid", child.Path.ToString());
        Assert.Equal(child, Sys.Resolve("/user/parent/kid"));
        Assert.Equal(parent.Path, child.Path.Parent);
    }

    [Fact]
    public async Task Generated_names_must_be_unique_and_start_with_a_dollar()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent()), "parent");
        Tell(parent, 1);
        Tell(parent, 2);
        var a = await ExpectMsgAsync<IActorRef>();
        var b = await ExpectMsgAsync<IActorRef>();
        Assert.StartsWith("$", a.Path.Name);
        Assert.NotEqual(a.Path.Name, b.Path.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$reserved")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("ünicode")]
    public void ActorOf_must_refuse_invalid_names_with_a_clear_error(string name)
    {
        var error = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new Echo()), name));
        Assert.Contains("actor name", error.Message);
    }

    [Fact]
    public async Task ActorOf_must_refuse_a_name_in_use()
    {
        Sys.ActorOf(Props.Create(() => new Echo()), "taken");
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new Echo()), "taken"));
        var parent = Sys.ActorOf(Props.Create(() => new Parent()), "parent");
        Tell(parent, Props.Create(() => new Echo()));
        Assert.Contains("not unique", await ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task A_name_must_be_free_again_once_its_actor_terminated()
    {
        var first = Sys.ActorOf(Props.Create(() => new Echo()), "reused");
        Watch(first);
        Sys.Stop(first);
        await ExpectTerminatedAsync(first);
        await AwaitAssertAsync(() => Assert.Null(Sys.Resolve("/user/reused")));
        var second = Sys.ActorOf(Props.Create(() => new Echo()), "reused");
        Assert.NotEqual(first, second);
        Assert.Equal(first.Path, second.Path);
    }

    [Fact]
    public async Task Forward_must_keep_the_original_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var relay = Sys.ActorOf(Props.Create(() => new Relay(echo)), "relay");
        Tell(relay, "via relay");
        Assert.Equal("via relay", await ExpectMsgAsync<string>());
        Assert.Equal(echo, TestActor.LastSender);
    }

    [Fact]
    public async Task Identify_must_answer_with_the_actor_reference()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        Tell(echo, new Identify(42));
        var identity = await ExpectMsgAsync<ActorIdentity>();
        Assert.Equal(42, identity.MessageId);
        Assert.Equal(echo, identity.Subject);
    }

    [Fact]
    public void Creating_an_actor_with_new_must_fail_clearly()
    {
        var error = Assert.Throws<ActorKernelException>(() => new Echo());
        Assert.Contains("Props", error.Message);
    }

    [Fact]
    public void ActorPath_must_round_trip_through_its_string_form()
    {
        var path = ActorPath.Parse("lava://lab@10.0.0.1:4053/user/devices/qemu-01");
        Assert.Equal(new Address("lab", "10.0.0.1", 4053), path.Address);
        Assert.Equal(["user", "devices", "qemu-01"], path.Elements);
        Assert.Equal("lava://lab@10.0.0.1:4053/user/devices/qemu-01", path.ToString());
        Assert.Throws<FormatException>(() => ActorPath.Parse("akka://lab/user"));
    }
}
