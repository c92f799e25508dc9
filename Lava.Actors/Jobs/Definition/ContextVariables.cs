namespace Lava.Actors.Jobs.Definition;

/// <summary>The job <c>context</c> keys LAVA 2023.01 accepts (spec §1.5): extra Jinja2 variables for the device.</summary>
public static class ContextVariables
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "arch", "boot_console", "boot_root", "cpu", "extra_options", "guestfs_driveid", "guestfs_interface",
        "guestfs_size", "machine", "memory", "model", "monitor", "netdevice", "no_kvm", "serial", "vga",
        "booti_dtb_addr", "booti_kernel_addr", "booti_ramdisk_addr", "bootm_dtb_addr", "bootm_kernel_addr",
        "bootm_ramdisk_addr", "bootz_dtb_addr", "bootz_kernel_addr", "bootz_ramdisk_addr",
        "boot_character_delay", "boot_retry", "bootloader_prompt", "console_device", "custom_kernel_args",
        "extra_kernel_args", "extra_nfsroot_args", "failure_retry", "kernel_loglevel", "kernel_start_message",
        "lava_test_results_dir", "menu_interrupt_prompt", "mustang_menu_list", "test_character_delay",
        "tftp_mac_address", "uboot_extra_error_message", "uboot_needs_interrupt", "uboot_altbank",
    };
}
