public class T { [Fact] public void X() {} }
